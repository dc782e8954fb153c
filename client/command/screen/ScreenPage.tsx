/** Placeholder: filled in by the command-center work. */
import type { CommandPageProps } from '../CommandPageProps.ts';

export default function ScreenPage(_props: CommandPageProps) {
  return <div className="overlay-message">ScreenPage</div>;
}

/** Placeholder: filled in by the command-center work. */
import type { CommandPageProps } from '../CommandPageProps.ts';

export default function ConsolePage(_props: CommandPageProps) {
  return <div className="overlay-message">ConsolePage</div>;
}

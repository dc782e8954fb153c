import { TourFile, type Tour } from '../protocol/tours.ts';
import { formatIssues } from '../scenario/Scenario.ts';
import { loadYamlFolder } from '../scenario/yamlFolder.ts';

/**
 * Loads every *.yaml / *.yml tour in `dir` (sorted by file name). A bad file is left out with
 * messages naming the file, the field and the value ("tours/x.yaml: stops[2].seconds: …, got 2");
 * the others still load.
 */
export function loadTours(dir: string): { tours: Tour[]; errors: string[] } {
  const { items, errors } = loadYamlFolder(dir, 'loadTours', (data) => {
    const parsed = TourFile.safeParse(data, { reportInput: true });
    return parsed.success ? { value: parsed.data, errors: [] } : { errors: formatIssues(parsed.error.issues) };
  });
  return { tours: items, errors };
}

/**
 * Config values are plain data, but many reach Terraform JSON as strings (a location in a pool
 * description, a zone description in a tag, a reason in a comment): Terraform evaluates `${…}` and
 * `%{…}` in any string of its JSON syntax, so `Dublin ${file("/etc/passwd")}` would be read on
 * the machine that runs the plan. No config field takes a Terraform expression, so every string of
 * the config (values and keys) is refused when it holds either sequence.
 */
import { formatPath, type Problem } from '../../../runtime/problem';

const TEMPLATE = /[$%]\{/;

const MESSAGE =
  'holds a Terraform template sequence: Terraform would evaluate it as an expression when the text reaches its JSON (a description, a tag); allowed: text without "${" or "%{"';

/** One problem per string (value or key) of plain data `data` that holds "${" or "%{". */
export function terraformTemplateProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value === 'string') {
      if (TEMPLATE.test(value)) problems.push({ path: formatPath(path), value, message: MESSAGE });
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        if (TEMPLATE.test(key)) problems.push({ path: formatPath([...path, key]), value: key, message: `is a key that ${MESSAGE}` });
        walk(item, [...path, key]);
      }
  };
  walk(data, []);
  return problems;
}

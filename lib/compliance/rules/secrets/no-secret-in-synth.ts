import { OFFLINE_PLACEHOLDER_CREDENTIAL } from '../../../offline';
import type { ComplianceRule, Finding } from '../../rule';
import { isTemplate } from '../../view-helpers';

const PATTERNS: [RegExp, string][] = [
  [/-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'a PEM private key'],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bgh[pousr]_[A-Za-z0-9]{36}\b/, 'a GitHub token'],
  [/\bxox[abpr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
];
/** Attribute names that hold a secret; a literal value in one is a secret in the JSON (and the state). */
const SECRET_KEYS =
  /^(password|master_password|secret|secret_key|access_key|token|api_token|api_key|private_key|client_secret|auth_token)$/;

/**
 * Names that say their value is a secret (variables, locals, outputs): a word of them is password,
 * passphrase, secret, token, credential(s) or apikey, or the last one is key(s) (`api_key`,
 * `private_key`; not `kms_key_id`, `key_name`). Words split at `_`, `-`, `.` and camelCase.
 */
function namesSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_.-]+/);
  return (
    words.some((w) => /^(password|passwd|pwd|passphrase|secrets?|tokens?|credentials?|apikey)$/.test(w)) ||
    /^keys?$/.test(words[words.length - 1])
  );
}

/** Attributes that hold nothing but a secret, for resource types that store one (only when `when` holds). */
const SECRET_VALUES: Record<string, { attributes: string[]; when?: (a: Readonly<Record<string, unknown>>) => boolean }> = {
  // a SecureString's value (or a type known only at apply); a String parameter is not secret by type
  aws_ssm_parameter: { attributes: ['value', 'value_wo'], when: (a) => a.type === 'SecureString' || isTemplate(a.type) },
  aws_secretsmanager_secret_version: { attributes: ['secret_string', 'secret_binary', 'secret_string_wo'] },
};

/**
 * A literal secret: a non-empty text that is not an expression (`${…}`: a variable, a reference, a
 * function known at apply) and not offline mode's public placeholder, which authenticates nothing.
 */
const isLiteralSecret = (v: unknown): boolean =>
  typeof v === 'string' && v !== '' && v !== OFFLINE_PLACEHOLDER_CREDENTIAL && !v.includes('${');

/** Where under `value` (itself, or nested in a list or map) a literal secret is, as path suffixes. */
function literalsUnder(value: unknown, at = ''): string[] {
  if (isLiteralSecret(value)) return [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => literalsUnder(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => literalsUnder(v, `${at}.${k}`));
  return [];
}

/** What a variable, local or output named as a secret holds. */
const NAMED_VALUE: Record<string, string> = { variable: 'default', locals: 'value', output: 'value' };

/** Any of the patterns: one test per string instead of five (most strings hold none). */
const ANY_PATTERN = new RegExp(PATTERNS.map(([re]) => `(?:${re.source})`).join('|'));

/**
 * Reports every secret under `value`. The path is kept as segments and joined only for a finding
 * (the JSON has hundreds of thousands of values and almost never a secret).
 */
function walk(value: unknown, path: string[], out: (where: string, why: string) => void): void {
  if (typeof value === 'string') {
    if (ANY_PATTERN.test(value)) for (const [re, what] of PATTERNS) if (re.test(value)) out(path.join(''), `holds ${what}`);
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(`[${i}]`);
      walk(value[i], path, out);
      path.pop();
    }
    return;
  }
  if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      path.push(`.${k}`);
      // Offline mode's placeholder is public and authenticates nothing; any other literal is a secret
      // (a suppression of the whole rule on the offline provider hid real keys put on it later).
      if (SECRET_KEYS.test(k) && isLiteralSecret(v)) out(path.join(''), 'is a literal secret');
      else walk(v, path, out);
      path.pop();
    }
}

/** No credential, key or token appears in the synthesized JSON (it is committed to artifacts and state). */
export const noSecretInSynth: ComplianceRule = {
  id: 'TSLJ-SEC-1',
  area: 'secrets',
  title: 'No secret (password, key, token) in the synthesized JSON',
  fix: 'take secrets from a secret store at apply time (manage_master_user_password, a sensitive variable without a default, the provider chain), never as literals',
  resourceTypes: ['*'],
  check: (app) => {
    const findings: Finding[] = [];
    const add = (path: string) => (where: string, why: string) => findings.push({ path, reason: `${where} ${why}` });
    for (const r of [...app.resources, ...app.providers]) walk(r.attributes, [r.type], add(r.path));
    for (const r of app.resources) {
      const stored = SECRET_VALUES[r.type];
      if (stored && (stored.when?.(r.attributes) ?? true))
        for (const a of stored.attributes)
          for (const at of literalsUnder(r.attributes[a])) add(r.path)(`${r.type}.${a}${at}`, 'is a literal secret');
    }
    for (const b of app.blocks ?? []) {
      const prefix = b.kind === 'terraform' ? 'terraform' : `${b.kind}.${b.name}`;
      walk(b.attributes, [prefix], add(b.path));
      const named = NAMED_VALUE[b.kind];
      if (named && namesSecret(b.name))
        for (const at of literalsUnder(b.attributes[named]))
          add(b.path)(`${prefix}.${named}${at}`, 'is a literal secret (its name says it is one)');
    }
    return findings;
  },
};

import { OFFLINE_PLACEHOLDER_CREDENTIAL } from '../../../offline';
import type { ComplianceRule, Finding } from '../../rule';

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
      if (SECRET_KEYS.test(k) && typeof v === 'string' && v !== '' && v !== OFFLINE_PLACEHOLDER_CREDENTIAL && !v.includes('${'))
        out(path.join(''), 'is a literal secret');
      else walk(v, path, out);
      path.pop();
    }
}

/** No credential, key or token appears in the synthesized JSON (it is committed to artifacts and state). */
export const noSecretInSynth: ComplianceRule = {
  id: 'TSLJ-SEC-1',
  area: 'secrets',
  title: 'No secret (password, key, token) in the synthesized JSON',
  fix: 'take secrets from a secret store at apply time (manage_master_user_password, a sensitive variable, the provider chain), never as literals',
  resourceTypes: ['*'],
  check: (app) => {
    const findings: Finding[] = [];
    for (const r of [...app.resources, ...app.providers])
      walk(r.attributes, [r.type], (where, why) => findings.push({ path: r.path, reason: `${where} ${why}` }));
    return findings;
  },
};

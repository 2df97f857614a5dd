import { TerraformProvider, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { checkRequiredProps, pathError, TERRAFORM_IDENTIFIER } from '../private/prop-checks';

/** Version of `hashicorp/kubernetes` the workload stacks pin. */
export const KUBERNETES_PROVIDER_VERSION = '2.36.0';

export interface KubernetesProviderConfig {
  /** Alias, one per cluster in a stack. */
  readonly alias?: string;
  /** API server URL (may be a cross-stack token). */
  readonly host: string;
  /** PEM of the cluster's certificate authority (decoded, not base64). */
  readonly clusterCaCertificate: string;
  /** Credentials plugin: `aws eks get-token` for EKS. */
  readonly exec: { readonly apiVersion: string; readonly command: string; readonly args: readonly string[] };
}

/** Text or a token: what each string attribute of the provider block takes. */
const isText = (v: unknown): boolean => (typeof v === 'string' && v.trim() !== '') || Token.isUnresolved(v);

/** Refuses what the provider block would render wrong, or what would throw at synth (an `exec` of the wrong shape). */
function checkProviderConfig(path: string, c: KubernetesProviderConfig): void {
  if (c.alias !== undefined && Token.isUnresolved(c.alias))
    throw new Error(
      `${path}: alias is a token; allowed: a literal Terraform identifier (Terraform reads provider aliases before any value)`,
    );
  if (c.alias !== undefined && !(typeof c.alias === 'string' && TERRAFORM_IDENTIFIER.pattern.test(c.alias)))
    pathError(path, 'alias', c.alias, TERRAFORM_IDENTIFIER.allowed);
  if (!isText(c.host)) pathError(path, 'host', c.host, "the cluster's API endpoint as text (or a token)");
  if (!isText(c.clusterCaCertificate))
    pathError(path, 'clusterCaCertificate', c.clusterCaCertificate, "the cluster's CA certificate as PEM text (or a token)");
  const exec = c.exec as unknown;
  const execAllowed =
    '{ apiVersion, command, args }, e.g. { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", ...] }';
  if (exec === null || typeof exec !== 'object' || Array.isArray(exec)) pathError(path, 'exec', exec, execAllowed);
  const e = exec as Record<string, unknown>;
  if (!isText(e.apiVersion)) pathError(path, 'exec.apiVersion', e.apiVersion, 'a client.authentication.k8s.io API version, as text');
  if (!isText(e.command)) pathError(path, 'exec.command', e.command, 'the credentials command, as text (e.g. "aws")');
  if (!Array.isArray(e.args) || !e.args.every((a) => typeof a === 'string'))
    pathError(path, 'exec.args', e.args, 'a list of text arguments (e.g. ["eks", "get-token", "--cluster-name", "..."]); [] for none');
}

/**
 * The `hashicorp/kubernetes` provider block. Written by hand (the project ships no generated
 * Kubernetes bindings: `cdktf get` would add ~40 MB for the two types we use); it renders exactly
 * the provider's documented attributes.
 */
export class KubernetesProvider extends TerraformProvider {
  private readonly config: KubernetesProviderConfig;
  private readonly aliasName?: string;

  constructor(scope: Construct, id: string, config: KubernetesProviderConfig) {
    checkRequiredProps<KubernetesProviderConfig>(`${scope.node.path}/${id}`, config, {
      host: "the cluster's API endpoint (or a token)",
      clusterCaCertificate: "the cluster's CA certificate, PEM (or a token)",
      exec: '{ apiVersion, command, args }: how the provider gets a token',
    });
    checkProviderConfig(`${scope.node.path}/${id}`, config);
    super(scope, id, {
      terraformResourceType: 'kubernetes',
      terraformGeneratorMetadata: { providerName: 'kubernetes', providerVersion: KUBERNETES_PROVIDER_VERSION },
      terraformProviderSource: 'hashicorp/kubernetes',
    });
    this.config = config;
    this.aliasName = config.alias;
  }

  /** The alias (cdktf's base class only declares it; the generated providers store it the same way). */
  override get alias(): string | undefined {
    return this.aliasName;
  }

  override set alias(_value: string | undefined) {
    throw new Error(`${this.node.path}: the alias of a KubernetesProvider is set at construction only`);
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    const c = this.config;
    return {
      host: c.host,
      cluster_ca_certificate: c.clusterCaCertificate,
      exec: [{ api_version: c.exec.apiVersion, command: c.exec.command, args: [...c.exec.args] }],
    };
  }
}

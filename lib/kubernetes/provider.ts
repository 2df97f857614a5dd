import { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import { checkRequiredProps } from '../private/prop-checks';

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

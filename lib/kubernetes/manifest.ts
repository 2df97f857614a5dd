import { TerraformResource, type ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { KUBERNETES_PROVIDER_VERSION, type KubernetesProvider } from './provider';
import { checkRequiredProps } from '../private/prop-checks';

/** A Kubernetes object as plain JSON (apiVersion, kind, metadata, spec …). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [key: string]: unknown;
}

export interface KubernetesManifestProps {
  /** Provider of the cluster the object goes to. */
  readonly provider: KubernetesProvider;
  /** The object, exactly as it is applied (validate it against the API schema first, see validate.ts). */
  readonly manifest: KubernetesObject;
  /** Resources that must exist first (e.g. the namespace). @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * One Kubernetes object applied with server-side apply (`kubernetes_manifest`): the JSON in the
 * synthesized stack is the object the API server receives, so the schema test covers what is deployed.
 */
export class KubernetesManifest extends TerraformResource {
  readonly manifest: KubernetesObject;

  constructor(scope: Construct, id: string, props: KubernetesManifestProps) {
    checkRequiredProps<KubernetesManifestProps>(`${scope.node.path}/${id}`, props, {
      provider: "the KubernetesProvider of the region's cluster",
      manifest: 'a Kubernetes object: { apiVersion, kind, metadata, … }',
    });
    super(scope, id, {
      terraformResourceType: 'kubernetes_manifest',
      terraformGeneratorMetadata: { providerName: 'kubernetes', providerVersion: KUBERNETES_PROVIDER_VERSION },
      provider: props.provider,
      dependsOn: props.dependsOn,
    });
    this.manifest = props.manifest;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { manifest: this.manifest };
  }
}

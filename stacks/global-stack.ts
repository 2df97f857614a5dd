import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { RegionsConfig } from '../lib/config';
import { CdnZone, type IRegionalEntry } from '../lib/edge/cdn-zone';
import { GlobalIngress } from '../lib/edge/global-ingress';
import { applyStateBackend, type StateBackendSettings } from '../lib/state-backend';

export interface GlobalStackProps {
  /** The validated platform config. */
  readonly config: RegionsConfig;
  /** Where Terraform keeps this stack's state. @default local */
  readonly stateBackend?: StateBackendSettings;
  /** Each region's public entry (from the continent stacks, as cross-stack references). @default none */
  readonly regionalEntries?: Readonly<Record<string, IRegionalEntry>>;
  /** Cloudflare Cache Rules instead of Page Rules. @default false */
  readonly cacheRules?: boolean;
}

/**
 * The global edge: GlobalIngress (Google Cloud global external Application Load Balancer, its
 * certificate, SSL policy and Cloud Armor) and CdnZone (the Cloudflare zone, its settings, cache and
 * origin rules, DNS and the residency-safe load balancer).
 */
export class GlobalStack extends TerraformStack {
  readonly ingress: GlobalIngress;
  readonly cdn: CdnZone;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    applyStateBackend(this, id, props.stateBackend ?? { kind: 'local' });
    const { config } = props;
    new GoogleProvider(this, 'Google', { project: config.project.gcpProject });
    // Credentials: CLOUDFLARE_API_TOKEN from the environment.
    new CloudflareProvider(this, 'Cloudflare', {});

    const accountId =
      config.edge.cloudflareAccountId ??
      new TerraformVariable(this, 'cloudflare_account_id', {
        type: 'string',
        description: 'Cloudflare account that owns the zone, load-balancer pools and monitor',
        validation: [
          {
            condition: '${can(regex("^[0-9a-f]{32}$", var.cloudflare_account_id))}',
            errorMessage: 'cloudflare_account_id must be 32 lower-case hex digits.',
          },
        ],
      }).stringValue;

    this.ingress = new GlobalIngress(this, 'Ingress', { config });
    this.cdn = new CdnZone(this, 'Cdn', {
      config,
      ingress: this.ingress,
      accountId,
      cacheRules: props.cacheRules,
      regionalEntries: props.regionalEntries,
    });

    new TerraformOutput(this, 'global-ip', { value: this.ingress.ipAddress, description: 'Global ingress IP' });
    new TerraformOutput(this, 'certificate-map', {
      value: this.ingress.certificateMapId,
      description: 'Certificate Manager map of the API host',
    });
    new TerraformOutput(this, 'backend-services', {
      value: this.ingress.backendServiceNames,
      description: 'Backend service of each region gateway, by region id',
    });
    new TerraformOutput(this, 'cloudflare-zone-id', { value: this.cdn.zoneId, description: 'Cloudflare zone of the domain' });
  }
}

import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { RegionsConfig } from '../lib/config';
import { applyStateBackend, type StateBackendSettings } from '../lib/state-backend';

export interface GlobalStackProps {
  /** The validated platform config. */
  readonly config: RegionsConfig;
  /** Where Terraform keeps this stack's state. @default local */
  readonly stateBackend?: StateBackendSettings;
}

/**
 * The global edge. For now the global static IP of the design's ingress
 * (`taishanglaojun-global-ip`); GlobalIngress and CdnZone fill it in the edge issue.
 */
export class GlobalStack extends TerraformStack {
  readonly globalAddress: ComputeGlobalAddress;

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    applyStateBackend(this, id, props.stateBackend ?? { kind: 'local' });
    const { project } = props.config;
    new GoogleProvider(this, 'Google', { project: project.gcpProject });
    this.globalAddress = new ComputeGlobalAddress(this, 'GlobalIp', {
      name: `${project.name}-global-ip`,
      description: `Global anycast address of ${project.apiHost}`,
    });
    new TerraformOutput(this, 'global-ip', { value: this.globalAddress.address, description: 'Global ingress IP' });
  }
}

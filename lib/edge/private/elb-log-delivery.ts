/**
 * Who writes Application Load Balancer access logs into a bucket, per region.
 *
 * Source: AWS Elastic Load Balancing user guide, "Enable access logs for your Application Load
 * Balancer" (bucket policy section): regions available before August 2022 deliver from a regional
 * ELB account; newer regions from the service principal below. Taken from the guide as of 2024;
 * not re-verified online (no network here). A region missing from the table gets the service
 * principal only.
 */

/** The log-delivery service principal of newer regions. */
export const ELB_LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/** Regional Elastic Load Balancing account ids that deliver access logs. */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  'us-east-1': '127311923021',
  'us-east-2': '033677994240',
  'us-west-1': '027434742980',
  'us-west-2': '797873946194',
  'ca-central-1': '985666609251',
  'af-south-1': '098369216593',
  'ap-east-1': '754344448648',
  'ap-south-1': '718504428378',
  'ap-northeast-1': '582318560864',
  'ap-northeast-2': '600734575887',
  'ap-northeast-3': '383597477331',
  'ap-southeast-1': '114774131450',
  'ap-southeast-2': '783225319266',
  'ap-southeast-3': '589379963580',
  'eu-central-1': '054676820928',
  'eu-west-1': '156460612806',
  'eu-west-2': '652711504416',
  'eu-west-3': '009996457667',
  'eu-south-1': '635631232127',
  'eu-north-1': '897822967062',
  'me-south-1': '076674570225',
  'sa-east-1': '507241528517',
};

/** The bucket-policy principal allowed to deliver a region's access logs. */
export function elbLogDeliveryPrincipal(regionId: string): Record<string, string> {
  const account = ELB_LOG_DELIVERY_ACCOUNTS[regionId];
  return account ? { AWS: `arn:aws:iam::${account}:root`, Service: ELB_LOG_DELIVERY_SERVICE } : { Service: ELB_LOG_DELIVERY_SERVICE };
}

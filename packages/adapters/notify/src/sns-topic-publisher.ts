import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { TopicMessage, TopicPublisher } from '@envmgr/ports';

/**
 * Publishes to EM's SNS topics: the topic's ARN is `topicArnPrefix` + its name
 * (e.g. `arn:aws:sns:eu-west-1:123456789012:` + `DeploymentComplete`). Failures come back as a short reason: the
 * error's name (`NotFound`, `AuthorizationError`, `Throttling`…), never the SDK's message with account details.
 */
export function createSnsTopicPublisher(opts: { client: SNSClient; topicArnPrefix: string }): TopicPublisher {
  return {
    async publish(m: TopicMessage) {
      try {
        await opts.client.send(
          new PublishCommand({
            TopicArn: `${opts.topicArnPrefix}${m.topic}`,
            Subject: m.subject.replace(/[^\x20-\x7e]/g, ' ').slice(0, 100),
            Message: m.body,
            MessageAttributes: Object.fromEntries(Object.entries(m.attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }])),
          }),
        );
        return { ok: true };
      } catch (err) {
        const name = err instanceof Error ? err.name : 'unknown error';
        return { ok: false, error: `SNS refused the message to ${m.topic}: ${name}` };
      }
    },
  };
}

/** An SNS client for the topics' region; the SDK finds credentials as usual. `endpoint` is for SNS-compatible servers. */
export function createSnsClient(opts: { region: string; endpoint?: string | undefined }): SNSClient {
  return new SNSClient({ region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
}

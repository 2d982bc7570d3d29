import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNS_TOPICS } from '@envmgr/domain';
import { createSnsTopicPublisher } from './sns-topic-publisher.js';

const hasMoto = spawnSync('sh', ['-c', 'command -v moto_server'], { stdio: 'ignore' }).status === 0;
if (!hasMoto) console.warn('skipping the SNS publisher test: moto_server is missing (pip install "moto[server]"; .ci/run installs it)');

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.skipIf(!hasMoto)('SNS topic publisher (moto server)', () => {
  let moto: ChildProcess;
  let endpoint: string;
  let receiver: Server;
  let client: SNSClient;
  const received: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    endpoint = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200 && !(await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 150));
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    client = new SNSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto' }, maxAttempts: 1 });
  }, 40_000);

  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
    if (moto && moto.exitCode === null) {
      const exited = new Promise((r) => moto.once('exit', r));
      moto.kill('SIGTERM');
      await exited;
    }
  });

  it("publishes the event to EM's topic by name, with its type and id as attributes", async () => {
    const topic = await client.send(new CreateTopicCommand({ Name: SNS_TOPICS.deployments }));
    const prefix = topic.TopicArn!.slice(0, -SNS_TOPICS.deployments.length);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sns`;
    await client.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'http', Endpoint: url }));
    const publisher = createSnsTopicPublisher({ client, topicArnPrefix: prefix });
    const body = JSON.stringify({ id: 'deployment.failed:d1', type: 'deployment.failed' });
    expect(await publisher.publish({ topic: SNS_TOPICS.deployments, subject: 'deployment.failed: dev1 Hello', body, attributes: { eventType: 'deployment.failed', eventId: 'deployment.failed:d1' } })).toEqual({ ok: true });
    for (let i = 0; i < 100 && !received.some((m) => m['Type'] === 'Notification'); i++) await new Promise((r) => setTimeout(r, 50));
    const note = received.find((m) => m['Type'] === 'Notification');
    expect(note).toMatchObject({ TopicArn: topic.TopicArn, Subject: 'deployment.failed: dev1 Hello', Message: body });
    // moto's HTTP notifications leave the message attributes out; the body carries the type and id too
    expect(JSON.parse(String(note?.['Message']))).toEqual({ id: 'deployment.failed:d1', type: 'deployment.failed' });
  });

  it('reports a topic that does not exist as a failure, without throwing', async () => {
    const publisher = createSnsTopicPublisher({ client, topicArnPrefix: 'arn:aws:sns:eu-west-1:123456789012:' });
    const r = await publisher.publish({ topic: SNS_TOPICS.operations, subject: 's', body: '{}', attributes: {} });
    expect(r).toMatchObject({ ok: false });
    expect(r.ok ? '' : r.error).toContain('EnvironmentManagerOperationsChange');
  });
});

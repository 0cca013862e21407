import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/cli.js';
import { renderTemplate, type RenderScope } from './chart-render.js';

const DEPLOY = join(ROOT, 'deploy');
const CHART = join(DEPLOY, 'helm', 'sessionfs-relay');

/** Kinds the chart may hold, with the apiVersion Kubernetes serves them under. */
const API_VERSIONS: Record<string, string> = { Deployment: 'apps/v1', Service: 'v1', Secret: 'v1' };

function render(values: Record<string, unknown> = {}): Array<Record<string, any>> {
  const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  const merge = (a: Record<string, any>, b: Record<string, any>): Record<string, any> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(a[k] ?? {}, v) : v;
    return out;
  };
  const scope: RenderScope = {
    Values: merge(defaults, values),
    Release: { Name: 'rel', Namespace: 'default' },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const docs: Array<Record<string, any>> = [];
  for (const file of readdirSync(join(CHART, 'templates')).filter((f) => f.endsWith('.yaml'))) {
    const text = renderTemplate(readFileSync(join(CHART, 'templates', file), 'utf8'), scope);
    for (const doc of parseAllDocuments(text)) {
      assert.deepEqual(doc.errors, [], `${file}: ${doc.errors.join('; ')}\n${text}`);
      const obj = doc.toJS() as Record<string, any> | null;
      if (obj) docs.push(obj);
    }
  }
  return docs;
}

test('the Helm chart renders to valid objects: non-root, read-only root filesystem, probes on /health', () => {
  const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
  assert.equal(chart.apiVersion, 'v2');
  assert.match(String(chart.version), /^\d+\.\d+\.\d+$/);
  const docs = render({ database: { url: 'postgres://u:p@db:5432/sfs' } });
  for (const d of docs) {
    assert.ok(API_VERSIONS[d.kind], `unexpected kind ${d.kind}`);
    assert.equal(d.apiVersion, API_VERSIONS[d.kind], `${d.kind} apiVersion`);
    assert.match(d.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  }
  assert.deepEqual(docs.map((d) => d.kind).sort(), ['Deployment', 'Secret', 'Service']);
  const dep = docs.find((d) => d.kind === 'Deployment')!;
  const pod = dep.spec.template.spec;
  assert.deepEqual(dep.spec.selector.matchLabels, dep.spec.template.metadata.labels);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.notEqual(pod.securityContext.runAsUser, 0);
  const [c] = pod.containers;
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.runAsNonRoot, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    assert.equal(c[probe].httpGet.path, '/health', probe);
    assert.equal(c[probe].httpGet.port, 'http', probe);
  }
  assert.ok(c.ports.some((p: any) => p.name === 'http' && p.containerPort === 7878));
  // The only writable paths are volumes: /data and /tmp.
  assert.deepEqual(c.volumeMounts.map((m: any) => m.mountPath).sort(), ['/data', '/tmp']);
  assert.deepEqual(pod.volumes.map((v: any) => v.name).sort(), ['data', 'tmp']);
  assert.equal(c.resources.limits.memory, '1Gi');
  // The database URL reaches the relay from the Secret, never inline in the Deployment.
  assert.ok(!JSON.stringify(dep).includes('postgres://'));
  const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef]));
  assert.deepEqual(env.SFS_RELAY_DATABASE_URL, { name: 'rel-sessionfs-relay', key: 'database-url', optional: true });
  const secret = docs.find((d) => d.kind === 'Secret')!;
  assert.equal(secret.stringData['database-url'], 'postgres://u:p@db:5432/sfs');
  const svc = docs.find((d) => d.kind === 'Service')!;
  assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);
  assert.equal(svc.spec.ports[0].targetPort, 'http');
});

test('the chart with an existing Secret and a volume claim creates no Secret and mounts the claim', () => {
  const docs = render({ existingSecret: 'my-relay', persistence: { existingClaim: 'relay-pvc' } });
  assert.deepEqual(docs.map((d) => d.kind).sort(), ['Deployment', 'Service']);
  const pod = docs.find((d) => d.kind === 'Deployment')!.spec.template.spec;
  assert.deepEqual(
    pod.containers[0].env.map((e: any) => e.valueFrom.secretKeyRef.name),
    ['my-relay', 'my-relay'],
  );
  assert.deepEqual(pod.volumes.find((v: any) => v.name === 'data').persistentVolumeClaim, { claimName: 'relay-pvc' });
});

test('the chart renderer refuses template constructs it does not implement', () => {
  const scope: RenderScope = { Values: { a: 1 }, Release: { Name: 'r', Namespace: 'd' }, Chart: {} };
  assert.throws(() => renderTemplate('{{ include "x" . }}', scope), /unsupported/);
  assert.throws(() => renderTemplate('{{ .Values.a | b64enc }}', scope), /unsupported template function/);
  assert.equal(renderTemplate('a: {{- if .Values.a }} yes{{- else }} no{{- end }}', scope), 'a: yes');
});

test('compose.yaml: the relay runs as a non-root user on a read-only root filesystem beside PostgreSQL', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8')) as Record<string, any>;
  const relay = compose.services.relay;
  assert.equal(relay.read_only, true);
  assert.match(relay.user, /^[1-9]\d*(:\d+)?$/);
  assert.ok(relay.tmpfs.includes('/tmp'));
  assert.match(relay.environment.SFS_RELAY_DATABASE_URL, /^postgres:\/\/.*@postgres:5432\//);
  assert.equal(relay.depends_on.postgres.condition, 'service_healthy');
  assert.match(compose.services.postgres.image, /^postgres:/);
  assert.deepEqual(
    relay.volumes.map((v: string) => v.split(':')[1]),
    ['/data'],
  );
});

test('the Dockerfile: multi-stage, non-root user, a writable volume only, a HEALTHCHECK on /health', () => {
  const text = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  assert.ok((text.match(/^FROM /gm) ?? []).length >= 2, 'multi-stage');
  const final = text.slice(text.lastIndexOf('\nFROM '));
  assert.match(final, /^USER (node|[1-9]\d*)\s*$/m);
  assert.match(final, /^VOLUME \["\/data"\]/m);
  assert.match(final, /^HEALTHCHECK [\s\S]*\/health/m);
});

/** `docker compose config` (or docker-compose v1) when installed: the file is what Compose accepts. */
test('docker compose config accepts deploy/compose.yaml', (t) => {
  const tool = [
    ['docker', ['compose']],
    ['docker-compose', []],
  ].find(([cmd, pre]) => spawnSync(cmd as string, [...(pre as string[]), 'version'], { stdio: 'ignore' }).status === 0) as [string, string[]] | undefined;
  if (!tool) return t.skip('neither `docker compose` nor docker-compose is installed');
  const out = execFileSync(tool[0], [...tool[1], '-f', join(DEPLOY, 'compose.yaml'), 'config'], {
    encoding: 'utf8',
    env: { ...process.env, SFS_DB_PASSWORD: 'pw' },
  });
  const cfg = parse(out) as Record<string, any>;
  assert.equal(cfg.services.relay.read_only, true);
});

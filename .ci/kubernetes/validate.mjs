// Validates every manifest of deploy/kubernetes against the Kubernetes API's OpenAPI schemas,
// offline: kubernetes-models (npm) holds the schemas and validates with them (wrong types, missing
// required fields, bad formats). The schemas let unknown fields through, as the API server's
// non-strict mode does, so a misspelt field would pass silently: each manifest is also written
// out as a TypeScript object literal of the model's interface, which `tsc` then checks for fields
// the API does not have (.ci/kubernetes/run). Also checks that the kustomization names only
// files that exist, that every manifest but the Secret's example is in it, and that the Service
// selectors and the disruption budget select the Deployment's pods.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const dir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../deploy/kubernetes');
const errors = [];
const objects = [];
for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort()) {
  for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
    if (doc.errors.length) { errors.push(`${file}: ${doc.errors.map(e => e.message).join('; ')}`); continue; }
    const object = doc.toJS();
    if (object) objects.push({ file, object });
  }
}

for (const { file, object } of objects) {
  const { apiVersion, kind } = object;
  if (kind === 'Kustomization') continue;
  const group = apiVersion.includes('/') ? apiVersion : `v1`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${group === 'v1' ? 'v1' : group}/${kind}`))[kind];
  } catch {
    errors.push(`${file}: no schema for ${apiVersion} ${kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    errors.push(`${file}: ${kind} ${object.metadata?.name}: ${e.message}`);
  }
}

const kustomization = objects.find(o => o.object.kind === 'Kustomization');
const listed = kustomization?.object.resources ?? [];
for (const name of listed) if (!fs.existsSync(path.join(dir, name))) errors.push(`kustomization.yaml: ${name} does not exist`);
for (const file of new Set(objects.map(o => o.file))) {
  if (file !== 'kustomization.yaml' && file !== 'secret.example.yaml' && !listed.includes(file)) {
    errors.push(`kustomization.yaml does not list ${file}`);
  }
}

const deployment = objects.find(o => o.object.kind === 'Deployment')?.object;
const podLabels = deployment?.spec.template.metadata.labels ?? {};
const selects = selector => Object.entries(selector ?? {}).every(([k, v]) => podLabels[k] === v);
for (const { file, object } of objects) {
  if (object.kind === 'Service' && !selects(object.spec.selector)) errors.push(`${file}: Service ${object.metadata.name} selects no Tandem pod`);
  if (object.kind === 'PodDisruptionBudget' && !selects(object.spec.selector.matchLabels)) errors.push(`${file}: the budget selects no Tandem pod`);
}
const secretKeys = Object.keys(objects.find(o => o.object.kind === 'Secret')?.object.stringData ?? {});
for (const env of deployment?.spec.template.spec.containers.flatMap(c => c.env ?? []) ?? []) {
  const ref = env.valueFrom?.secretKeyRef;
  if (ref && !secretKeys.includes(ref.key)) errors.push(`deployment.yaml: ${env.name} reads key ${ref.key}, which secret.example.yaml lacks`);
}

// For tsc: every object as a literal of its model's interface (excess property checks).
fs.mkdirSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), 'target'), { recursive: true });
const literals = objects.filter(o => o.object.kind !== 'Kustomization').map(({ file, object }, i) => {
  const group = object.apiVersion.includes('/') ? object.apiVersion : 'v1';
  return `import type { I${object.kind} as T${i} } from 'kubernetes-models/${group}/${object.kind}';\n`
    + `// ${file}: ${object.kind} ${object.metadata?.name}\nexport const o${i}: T${i} = ${JSON.stringify(object, null, 2)};\n`;
});
fs.writeFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), 'target/manifests.ts'), literals.join('\n'));

if (errors.length) {
  errors.forEach(e => console.error(`kubernetes: ${e}`));
  process.exit(1);
}
const validated = objects.filter(o => o.object.kind !== 'Kustomization');
console.log(`kubernetes: ${validated.length} objects in ${new Set(validated.map(o => o.file)).size} files valid against the Kubernetes API schemas`);

// Validates Kubernetes objects against the API's OpenAPI schemas, offline, the way `kubectl apply --validate=strict`
// would: types, formats, enums and required fields by the validators that kubernetes-models (Kubernetes 1.36) and
// @kubernetes-models/prometheus-operator compile from those schemas; unknown fields by watching which properties
// the validators read. A compiled validator reads every property its schema defines (and every key of a map), so a
// property it never read is one the schema does not have: a typo, or a field of another API version.
//
//   node validate.mjs <tools folder with node_modules> <objects.json>   ->   {"errors": ["Deployment/x/spec/...: ...", ...]}
//
// Run by tests/RiskWatch.Ops.Tests (KubernetesSchemas.cs); scripts/bootstrap --test installs the packages.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [tools, input] = process.argv.slice(2);
const objects = JSON.parse(readFileSync(input, "utf8"));

// The API versions the chart may use: those Kubernetes 1.29 to 1.36 all serve (kubernetes-models also carries
// schemas of APIs removed long ago, so being known to it is not enough), and the Prometheus Operator's.
const served = {
  "v1": "IoK8sApiCoreV1",
  "apps/v1": "IoK8sApiAppsV1",
  "batch/v1": "IoK8sApiBatchV1",
  "autoscaling/v2": "IoK8sApiAutoscalingV2",
  "policy/v1": "IoK8sApiPolicyV1",
  "networking.k8s.io/v1": "IoK8sApiNetworkingV1",
  "rbac.authorization.k8s.io/v1": "IoK8sApiRbacV1",
  "monitoring.coreos.com/v1": "ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoringV1",
};

async function validatorFor(apiVersion, kind) {
  const prefix = served[apiVersion];
  if (!prefix) {
    return null;
  }

  const pkg = apiVersion.startsWith("monitoring.coreos.com/") ? "@kubernetes-models/prometheus-operator" : "kubernetes-models";
  const file = join(tools, "node_modules", pkg, "_schemas", `${prefix}${kind}.js`);
  try {
    return (await import(pathToFileURL(file).href)).validate;
  } catch {
    return undefined;
  }
}

// Wraps an object so that every property read is recorded in `read` (target -> set of keys).
function watched(value, read) {
  if (value === null || typeof value !== "object") {
    return value;
  }

  const keys = new Set();
  read.set(value, keys);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") {
        keys.add(key);
        if (Object.hasOwn(target, key) && target[key] !== null && typeof target[key] === "object") {
          if (!children.has(key)) {
            children.set(key, watched(target[key], read));
          }

          return children.get(key);
        }
      }

      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === "string") {
        keys.add(key);
      }

      return Reflect.has(target, key);
    },
  });
}

function unknownFields(value, read, path, found) {
  if (value === null || typeof value !== "object") {
    return;
  }

  const keys = read.get(value);
  for (const [key, child] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (!Array.isArray(value) && (!keys || !keys.has(key))) {
      found.push(`${at}: unknown field "${key}"`);
      continue;
    }

    unknownFields(child, read, at, found);
  }
}

const errors = [];
for (const object of objects) {
  const name = `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
  const validate = await validatorFor(object?.apiVersion, object?.kind);
  if (validate === null) {
    errors.push(`${name}: apiVersion ${object?.apiVersion} is not served by every Kubernetes from 1.29 to 1.36`);
    continue;
  }

  if (validate === undefined) {
    errors.push(`${name}: no schema for kind ${object?.kind} in ${object?.apiVersion}`);
    continue;
  }

  const read = new Map();
  if (!validate(watched(object, read))) {
    for (const e of validate.errors) {
      errors.push(`${name}${e.instancePath}: ${e.keyword} ${JSON.stringify(e.params)}`);
    }
  }

  const found = [];
  unknownFields(object, read, "", found);
  errors.push(...found.map((f) => name + f));
}

process.stdout.write(JSON.stringify({ errors }) + "\n");

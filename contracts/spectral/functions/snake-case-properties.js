// Reports every property name (`properties` keys, `required` entries) that is not snake_case, anywhere
// below the given node, skipping example data (`example`, `examples`, `const`, `default`, `enum`), and the
// `properties` of a schema marked `x-property-names-from: <whose>`: a format the platform forwards but does not own
// (Prometheus' query answer, in openapi/operations.yaml), whose names are that owner's.
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const DATA_KEYS = new Set(['example', 'examples', 'const', 'default', 'enum', 'x-examples']);

export default function snakeCaseProperties(target, _options, context) {
  const results = [];
  const seen = new Set();
  const walk = (node, path) => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...path, index]));
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      if (DATA_KEYS.has(key)) continue;
      if (key === 'properties' && !node['x-property-names-from'] && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const name of Object.keys(value)) {
          if (!SNAKE.test(name)) {
            results.push({ message: `property "${name}" is not snake_case`, path: [...path, key, name] });
          }
        }
      }
      walk(value, [...path, key]);
    }
  };
  walk(target, context.path ?? []);
  return results;
}

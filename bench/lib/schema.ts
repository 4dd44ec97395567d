// JSON Schema (draft-07) of results.json, schema id 'hotpath-bench/1'. The
// types in results.ts say the same in TypeScript; the bench test validates a
// real run against this, so the two cannot drift apart silently.
// `hotpath bench --schema` prints it.

const finite = { type: 'number' } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;

const metric = {
  type: 'object',
  required: ['unit', 'better', 'median', 'min', 'max', 'spread', 'samples'],
  additionalProperties: false,
  properties: {
    unit: { type: 'string', minLength: 1 },
    better: { enum: ['higher', 'lower'] },
    median: finite,
    min: finite,
    max: finite,
    spread: { type: 'number', minimum: 0 },
    samples: { type: 'array', minItems: 1, items: finite },
  },
} as const;

const caseResult = {
  type: 'object',
  required: ['id', 'labels', 'metrics', 'primary', 'noisy'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z]+/' },
    labels: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    metrics: { type: 'object', minProperties: 1, additionalProperties: metric },
    primary: { type: 'string' },
    noisy: { type: 'boolean' },
  },
} as const;

const verdict = {
  type: 'object',
  required: ['group', 'metric', 'best', 'runnerUp', 'note'],
  additionalProperties: false,
  properties: {
    group: { type: 'string' },
    metric: { type: 'string' },
    best: { type: ['string', 'null'] },
    runnerUp: { type: ['string', 'null'] },
    note: { type: 'string' },
  },
} as const;

const ratioSchema = {
  type: 'object',
  required: ['name', 'value'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, value: finite, target: { type: 'string', pattern: '^(>=|<=) ' }, met: { type: 'boolean' } },
} as const;

const suiteNames = ['kernels', 'placements', 'pool', 'scaling', 'http', 'memory', 'remote'];

export const RESULTS_JSON_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/hotpath/hotpath/bench/results.schema.json',
  title: 'hotpath bench results (hotpath-bench/1)',
  type: 'object',
  required: ['schema', 'machine', 'startedAt', 'durationMs', 'params', 'suites'],
  additionalProperties: false,
  properties: {
    schema: { const: 'hotpath-bench/1' },
    machine: {
      type: 'object',
      required: ['cpu', 'cores', 'memoryGiB', 'node', 'platform', 'hotpath', 'gitSha', 'simd', 'native'],
      properties: {
        cpu: { type: 'string' },
        cores: { type: 'integer', minimum: 1 },
        memoryGiB: { type: 'number', minimum: 0 },
        node: { type: 'string', pattern: '^v\\d+\\.' },
        platform: { type: 'string' },
        hotpath: { type: 'string' },
        gitSha: { type: 'string' },
        simd: { type: 'string' },
        native: { type: 'boolean' },
      },
    },
    startedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
    durationMs: positive,
    params: {
      type: 'object',
      required: ['profile', 'suites', 'threads', 'argv'],
      properties: {
        profile: { enum: ['smoke', 'quick', 'full'] },
        suites: { type: 'array', items: { enum: suiteNames } },
        threads: { type: 'integer', minimum: 1 },
        argv: { type: 'array', items: { type: 'string' } },
      },
    },
    suites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'title', 'status', 'params', 'durationMs', 'cases', 'verdicts', 'ratios'],
        additionalProperties: false,
        properties: {
          name: { enum: suiteNames },
          title: { type: 'string' },
          status: { enum: ['ok', 'skipped', 'failed'] },
          reason: { type: 'string' },
          params: { type: 'object' },
          durationMs: { type: 'number', minimum: 0 },
          cases: { type: 'array', items: caseResult },
          verdicts: { type: 'array', items: verdict },
          ratios: { type: 'array', items: ratioSchema },
        },
      },
    },
  },
} as const;

// POST /v1/fingerprint — landmark hashes of a clip. Body: audio/wav (PCM16,
// mono or stereo, any rate; stereo is mixed down) or application/octet-stream
// (float32 little-endian mono samples, with ?sampleRate=). At most 64 MiB.
import type { FastifyInstance } from 'fastify';
import { HotpathError } from '../../errors.js';
import { FINGERPRINT_PARAMS } from '../../kernels/fingerprint/params.js';
import { acceptOnly, addBinaryParser, LIMITS, requireBinary, typedView, WAV_TYPES } from '../body.js';
import { compute, digits, placementQuery, queryInt } from '../compute.js';
import { decodeWav } from '../wav.js';
import { fingerprintKernel } from '../../kernels/fingerprint/kernel.js';

interface Query {
  placement?: string;
  sampleRate?: string;
}

const response = {
  200: {
    type: 'object',
    properties: {
      hashes: { type: 'array', items: { type: 'object', properties: { hash: { type: 'integer' }, t: { type: 'integer' } } } },
      frames: { type: 'integer' },
      frameSeconds: { type: 'number' },
      sampleRate: { type: 'integer' },
      channels: { type: 'integer' },
      durationSeconds: { type: 'number' },
    },
  },
} as const;

export async function fingerprintRoutes(app: FastifyInstance): Promise<void> {
  acceptOnly(app);
  addBinaryParser(app, WAV_TYPES, 'wav', LIMITS.binary);
  addBinaryParser(app, ['application/octet-stream'], 'octet', LIMITS.binary);

  app.post<{ Querystring: Query }>('/v1/fingerprint', {
    bodyLimit: LIMITS.binary,
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { ...placementQuery, sampleRate: digits } },
      response,
    },
  }, async (request, reply) => {
    const body = requireBinary(request.body);
    const { minSampleRate, maxSampleRate } = FINGERPRINT_PARAMS;
    let samples: Float32Array;
    let sampleRate: number;
    let channels = 1;
    if (body.type === 'wav') {
      if (request.query.sampleRate !== undefined) {
        throw new HotpathError('HP_ERR_BAD_REQUEST', 'a WAV file carries its own sample rate: drop ?sampleRate=');
      }
      ({ samples, sampleRate, channels } = decodeWav(body.bytes));
    } else {
      const rate = queryInt(request.query.sampleRate, 'sampleRate', 'HP_ERR_INVALID_SAMPLE_RATE', minSampleRate, maxSampleRate);
      if (rate === undefined) {
        throw new HotpathError('HP_ERR_INVALID_SAMPLE_RATE', 'application/octet-stream needs ?sampleRate= (Hz)');
      }
      sampleRate = rate;
      samples = typedView(body.bytes, Float32Array, 'float32 samples');
    }
    const n = samples.length;
    const res = await compute(app, request, reply, fingerprintKernel, { samples, sampleRate });
    return {
      hashes: res.hashes, frames: res.frames, frameSeconds: res.frameSeconds,
      sampleRate, channels, durationSeconds: n / sampleRate,
    };
  });
}

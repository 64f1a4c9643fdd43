// Greedy translation with a translator exported by `translator export` (Translator.exportOnnx), in
// onnxruntime-node: the same two graphs, vocabularies and BPE merges the Java toolkit uses.
//
//   node translate.mjs EXPORT_DIR < tokenized.txt > translations.txt
//
// Input: one sentence per line, already tokenized (tokens separated by spaces) as the toolkit's
// CoreNLP tokenizer produces them; the script lowercases when the export's pipeline does, applies
// BPE, and maps subwords to ids. Output: one line per input, the greedy translation as tokens
// separated by spaces (BPE removed, <unk> replaced by the most attended source subword when the
// export's decoding says replaceUnknown). The Java toolkit additionally detokenizes with CoreNLP;
// this script leaves the output tokenized. An empty line gives an empty line.
//
// The search is the toolkit's GreedySearch for one sentence: start from <bos>, take the arg-max
// (first index on ties) until <eos> or floor(maxLengthRatio * srcLen + maxLengthOffset) tokens.

import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import ort from 'onnxruntime-node';

const PAD = 0, UNK = 1, BOS = 2, EOS = 3;
const CONTINUATION = '@@';
const END_OF_WORD = '</w>';

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** BPE as BytePairEncoding.apply: merge the earliest-learned adjacent pair until none is left. */
class Bpe {
  constructor(merges) {
    this.ranks = new Map();
    merges.forEach(([a, b], i) => {
      const key = a + '\u0000' + b;
      if (!this.ranks.has(key)) this.ranks.set(key, i);
    });
    this.cache = new Map();
  }

  segment(word) {
    if (this.cache.has(word)) return this.cache.get(word);
    let symbols = Array.from(word); // code points
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      let best = Infinity, first = null, second = null;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.ranks.get(symbols[i] + '\u0000' + symbols[i + 1]);
        if (r !== undefined && r < best) { best = r; first = symbols[i]; second = symbols[i + 1]; }
      }
      if (first === null) break;
      const merged = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === first && symbols[i + 1] === second) {
          merged.push(first + second); i++;
        } else {
          merged.push(symbols[i]);
        }
      }
      symbols = merged;
    }
    const pieces = symbols.map((s, i) => i + 1 < symbols.length ? s + CONTINUATION
      : s.slice(0, s.length - END_OF_WORD.length));
    this.cache.set(word, pieces);
    return pieces;
  }
}

/** Joins pieces ending in @@ with their successor (BytePairEncoding.remove). */
function removeBpe(pieces) {
  const out = [];
  let word = '';
  for (const p of pieces) {
    if (p.endsWith(CONTINUATION)) { word += p.slice(0, -CONTINUATION.length); } else { out.push(word + p); word = ''; }
  }
  return out;
}

export async function loadTranslator(dir) {
  const config = readJson(path.join(dir, 'translator.json'));
  if (config.format !== 'seqtoolkit-onnx-translator' || config.version !== 1) {
    throw new Error(`${dir}/translator.json: not a seqtoolkit ONNX translator export of version 1`);
  }
  const model = config.model;
  const source = readJson(path.join(dir, 'source-vocabulary.json')).tokens;
  const target = readJson(path.join(dir, 'target-vocabulary.json')).tokens;
  const sourceBpe = new Bpe(readJson(path.join(dir, 'bpe-source.json')).merges);
  const options = { intraOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const encoder = await ort.InferenceSession.create(path.join(dir, 'encoder.onnx'), options);
  const decoder = await ort.InferenceSession.create(path.join(dir, 'decoder_step.onnx'), options);
  const sourceIds = new Map(source.map((t, i) => [t, i]));
  return {
    config, model, source, target, sourceBpe, sourceIds, encoder, decoder,
    lstm: model.cell === 'LSTM',
    keys: model.attention !== 'DOT',
    feeding: !!model.inputFeeding,
  };
}

/** Greedy translation of one tokenized sentence; returns the output tokens. */
export async function translate(t, line) {
  const pipeline = t.config.translator.pipeline || {};
  const decoding = t.config.translator.decoding || {};
  let words = line.trim().split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return [];
  if (pipeline.lowercase) words = words.map((w) => w.toLowerCase());
  const subwords = [];
  for (const w of words) subwords.push(...t.sourceBpe.segment(w));
  const ids = subwords.map((s) => t.sourceIds.has(s) ? t.sourceIds.get(s) : UNK);
  const srcLen = ids.length;
  const enc = await t.encoder.run({
    source_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, srcLen]),
    source_lengths: new ort.Tensor('int64', BigInt64Array.from([BigInt(srcLen)]), [1]),
  });
  const ratio = decoding.maxLengthRatio ?? 1.5;
  const offset = decoding.maxLengthOffset ?? 5;
  const absolute = Math.ceil(ratio * 1024) + offset;
  const maxLen = Math.max(0, Math.min(absolute, Math.floor(ratio * srcLen + offset)));
  const V = t.model.targetVocabSize;
  const hd = t.model.decoderHiddenSize;
  let h = enc.h0, c = enc.c0;
  let feed = t.feeding ? new ort.Tensor('float32', new Float32Array(hd), [1, hd]) : null;
  let previous = BOS;
  const out = [];
  const attention = [];
  while (out.length < maxLen) {
    const feeds = {
      previous_tokens: new ort.Tensor('int64', BigInt64Array.from([BigInt(previous)]), [1]),
      h, memory: enc.memory, source_mask: enc.source_mask,
    };
    if (t.lstm) feeds.c = c;
    if (t.keys) feeds.keys = enc.keys;
    if (t.feeding) feeds.feed = feed;
    const top = t.decoder.inputNames.includes('top_k'); // exports with the in-graph TopK
    if (top) feeds.top_k = new ort.Tensor('int64', BigInt64Array.from([1n]), [1]);
    const r = await t.decoder.run(feeds);
    let best = -1, bestLp = -Infinity;
    if (top) { // the best token, the lower id first among equals, as the scan below
      if (r.top_log_probs.data[0] > -Infinity) { best = Number(r.top_ids.data[0]); bestLp = r.top_log_probs.data[0]; }
    } else {
      const lp = r.log_probs.data;
      for (let v = 0; v < V; v++) {
        if (lp[v] > -Infinity && (best < 0 || lp[v] > bestLp)) { best = v; bestLp = lp[v]; }
      }
    }
    if (best < 0 || best === EOS) break;
    out.push(best);
    attention.push(Array.from(r.attention.data.slice(0, srcLen)));
    h = r.h_next; c = r.c_next; feed = r.feed_next ?? null;
    previous = best;
  }
  // output pieces (TranslationPipeline.targetPieces), then BPE removed
  const pieces = [];
  out.forEach((id, step) => {
    if (id === PAD || id === BOS) return;
    let piece = t.target[id];
    if (id === UNK && decoding.replaceUnknown) {
      const a = attention[step];
      let position = 0;
      for (let i = 1; i < a.length; i++) if (a[i] > a[position]) position = i;
      piece = subwords[position] === '<unk>' ? words[wordOfSubword(words, t.sourceBpe)[position]] : subwords[position];
    }
    pieces.push(piece);
  });
  if (pieces.length > 0 && pieces[pieces.length - 1].endsWith(CONTINUATION)) {
    pieces[pieces.length - 1] = pieces[pieces.length - 1].slice(0, -CONTINUATION.length);
  }
  return removeBpe(pieces.filter((p) => p.length > 0));
}

function wordOfSubword(words, bpe) {
  const out = [];
  words.forEach((w, i) => bpe.segment(w).forEach(() => out.push(i)));
  return out;
}

async function main() {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node translate.mjs EXPORT_DIR < tokenized-lines > translations');
    process.exit(2);
  }
  const t = await loadTranslator(dir);
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    process.stdout.write((await translate(t, line)).join(' ') + '\n');
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('translate.mjs')) {
  main().catch((e) => { console.error(e.message); process.exit(1); });
}

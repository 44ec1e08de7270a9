#!/usr/bin/env node
// make-demo.mjs: writes the embedded demo vindex to public/demo/ (run with `npm run demo`).
//
// The output is a synthetic LarQL v2 vindex with planted structure: a handful of features whose
// gate rows point at a word group ("hears") and whose down rows point at another word group
// ("says"). Everything is generated from a fixed seed, so re-running rewrites the same bytes.
//
// This file is also the independent reference for the tests: it exports an f16 encoder/decoder,
// a seeded PRNG, a byte-level BPE trainer/encoder, a DMET writer and small float64 maths helpers,
// and tests/fixtures/make-fixtures.mjs imports them. It must never import anything from src/.
//
// Determinism note: values come from mulberry32 + Box-Muller (Math.log/Math.cos/Math.sqrt). V8
// implements these with its own fdlibm port, so a given Node major version reproduces every byte.

import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

/** mulberry32: a 32-bit seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded generator with uniform(), normal() (Box-Muller) and int(n). */
export function makeRng(seed) {
  const uniform = mulberry32(seed);
  let spare = null;
  return {
    uniform,
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u1 = uniform();
      while (u1 <= 0) u1 = uniform();
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    int(n) {
      return Math.floor(uniform() * n);
    },
  };
}

/** A stable 32-bit seed from a string (FNV-1a). */
export function seedFromString(s) {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Floats: f16 (round to nearest, ties to even, straight from float64) and f32
// ---------------------------------------------------------------------------------------------

function roundHalfEven(y) {
  const f = Math.floor(y);
  const d = y - f; // exact: y < 2^53 here
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** IEEE binary16 bits of a float64, rounded to nearest even (overflow → ±inf, NaN → 0x7e00). */
export function f16Bits(x) {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity || a >= 65520) return sign | 0x7c00; // 65520 is the tie between 65504 and 2^16
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 becomes min normal)
  let e = Math.floor(Math.log2(a));
  while (2 ** e > a) e--;
  while (2 ** (e + 1) <= a) e++;
  const m = roundHalfEven((a / 2 ** e) * 1024); // in [1024, 2048]; 2048 carries into the exponent
  return sign | (((e + 15) << 10) + (m - 1024));
}

/** The float64 value of IEEE binary16 bits (subnormals, ±inf and NaN included). */
export function f16ToNumber(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** x rounded to the nearest f16 value, as a float64. */
export function roundF16(x) {
  return f16ToNumber(f16Bits(x));
}

/** Little-endian f16 bytes of an array of numbers. */
export function encodeF16(values) {
  const buf = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) buf.writeUInt16LE(f16Bits(values[i]), i * 2);
  return buf;
}

/** Little-endian f32 bytes of an array of numbers. */
export function encodeF32(values) {
  const buf = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i], i * 4);
  return buf;
}

/** The values as stored in a file of the given dtype, as a Float64Array. */
export function roundTo(values, dtype) {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = dtype === 'f16' ? roundF16(values[i]) : Math.fround(values[i]);
  }
  return out;
}

/** Bytes of values in dtype ('f16' | 'f32'). */
export function encodeAs(values, dtype) {
  return dtype === 'f16' ? encodeF16(values) : encodeF32(values);
}

// ---------------------------------------------------------------------------------------------
// float64 vector maths
// ---------------------------------------------------------------------------------------------

/** Dot product of a[ao .. ao+n) and b[bo .. bo+n). */
export function dotAt(a, ao, b, bo, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[ao + i] * b[bo + i];
  return s;
}

/** Euclidean norm of a[ao .. ao+n). */
export function normAt(a, ao, n) {
  return Math.sqrt(dotAt(a, ao, a, ao, n));
}

/** A random unit vector of length n. */
export function randomUnit(rng, n) {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = rng.normal();
  return scaleTo(v, 1);
}

/** v rescaled (in place) to the given norm. */
export function scaleTo(v, norm) {
  const s = norm / Math.sqrt(dotAt(v, 0, v, 0, v.length));
  for (let i = 0; i < v.length; i++) v[i] *= s;
  return v;
}

/** Σ c_i · v_i over pairs [c, v]. */
export function combine(n, terms) {
  const out = new Float64Array(n);
  for (const [c, v] of terms) for (let i = 0; i < n; i++) out[i] += c * v[i];
  return out;
}

/**
 * Indices of the k best values, best first. desc: larger is better; abs: compare |x|.
 * Non-finite values (NaN, ±inf) rank after every finite value; ties go to the lower index.
 */
export function topIndices(values, k, { abs = false } = {}) {
  // a before b? (finite before non-finite, larger key first, lower index on ties)
  const before = (a, b) => {
    const fa = Number.isFinite(values[a]);
    const fb = Number.isFinite(values[b]);
    if (fa !== fb) return fa;
    if (fa) {
      const ka = abs ? Math.abs(values[a]) : values[a];
      const kb = abs ? Math.abs(values[b]) : values[b];
      if (ka !== kb) return ka > kb;
    }
    return a < b;
  };
  const top = [];
  for (let i = 0; i < values.length; i++) {
    if (top.length === k && !before(i, top[k - 1])) continue;
    let j = top.length < k ? top.length : k - 1;
    if (top.length < k) top.push(i);
    while (j > 0 && before(i, top[j - 1])) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = i;
  }
  return top;
}

/**
 * A DMET record computed as LarQL computes it: logits = E · v over every token (E unscaled, as
 * stored), top-K by logit descending (ties: lower id), c_score = first logit. Values are rounded
 * to f32 as they will be written.
 */
export function dmetRecord(E, V, H, v, vo, K) {
  const logits = new Float64Array(V);
  for (let t = 0; t < V; t++) logits[t] = dotAt(E, t * H, v, vo, H);
  const top = topIndices(logits, K);
  const entries = top.map((t) => [t, Math.fround(logits[t])]);
  return { top_token_id: entries[0][0], c_score: entries[0][1], top_k: entries };
}

/**
 * Bytes of a DMET down_meta.bin: header (magic, version 1, num_layers, top_k), then per layer
 * u32 nf and nf records of (u32 top id, f32 c_score, K × (u32 id, f32 logit)), zero-padded.
 * layers[l] is an array of records ({top_token_id, c_score, top_k: [[id, logit], ...]}).
 */
export function dmetBytes(layers, K) {
  const R = 8 + 8 * K;
  let size = 16;
  for (const recs of layers) size += 4 + recs.length * R;
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(0x444d4554, 0);
  buf.writeUInt32LE(1, 4);
  buf.writeUInt32LE(layers.length, 8);
  buf.writeUInt32LE(K, 12);
  let pos = 16;
  for (const recs of layers) {
    buf.writeUInt32LE(recs.length, pos);
    pos += 4;
    for (const r of recs) {
      buf.writeUInt32LE(r.top_token_id, pos);
      buf.writeFloatLE(r.c_score, pos + 4);
      r.top_k.slice(0, K).forEach(([id, logit], j) => {
        buf.writeUInt32LE(id, pos + 8 + 8 * j);
        buf.writeFloatLE(logit, pos + 12 + 8 * j);
      });
      pos += R;
    }
  }
  return buf;
}

/** Lowercase hex sha256 of a buffer or string. */
export function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA256SUMS text (`<hex>  <name>` lines, sorted by name) for the given {name: bytes} map. */
export function sha256sums(files) {
  return (
    Object.keys(files)
      .sort()
      .map((name) => `${sha256Hex(files[name])}  ${name}`)
      .join('\n') + '\n'
  );
}

// ---------------------------------------------------------------------------------------------
// Byte-level BPE (GPT-2 style), trained so that every listed word form is one token
// ---------------------------------------------------------------------------------------------

/** GPT-2's bytes_to_unicode table: byte → printable symbol, in GPT-2's vocabulary order. */
export const BYTE_SYMBOLS = (() => {
  const bs = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = bs.slice();
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return bs.map((b, i) => [b, String.fromCharCode(cs[i])]); // [byte, symbol] in vocab order
})();
const BYTE_TO_SYMBOL = new Map(BYTE_SYMBOLS);

/** The byte-level symbol string of a text (UTF-8 bytes mapped through bytes_to_unicode). */
export function byteLevel(text) {
  return Array.from(Buffer.from(text, 'utf8'), (b) => BYTE_TO_SYMBOL.get(b)).join('');
}

/** GPT-2's pre-tokenisation regex (as used by the ByteLevel pre-tokenizer). */
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Trains BPE merges on byte-level word forms (each counted once) until every form is a single
 * symbol. Most frequent pair first; ties go to the smaller "a b" key (plain string order).
 */
export function trainBpe(forms) {
  const words = forms.map((f) => Array.from(f));
  const counts = new Map();
  const where = new Map();
  const SEP = ' '; // byte-level symbols never contain a space
  const addPairs = (i, delta) => {
    const w = words[i];
    for (let j = 0; j + 1 < w.length; j++) {
      const key = w[j] + SEP + w[j + 1];
      const c = (counts.get(key) ?? 0) + delta;
      if (c > 0) counts.set(key, c);
      else counts.delete(key);
      if (delta > 0) {
        let s = where.get(key);
        if (!s) where.set(key, (s = new Set()));
        s.add(i);
      }
    }
  };
  words.forEach((_, i) => addPairs(i, 1));
  const merges = [];
  for (;;) {
    let best = null;
    let bestCount = 0;
    for (const [key, c] of counts) {
      if (c > bestCount || (c === bestCount && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (best === null) break;
    const [a, b] = best.split(SEP);
    merges.push([a, b]);
    const ids = [...where.get(best)].sort((x, y) => x - y);
    where.delete(best);
    for (const i of ids) {
      const w = words[i];
      let has = false;
      for (let j = 0; j + 1 < w.length; j++) if (w[j] === a && w[j + 1] === b) has = true;
      if (!has) continue;
      addPairs(i, -1);
      const out = [];
      for (let j = 0; j < w.length; j++) {
        if (j + 1 < w.length && w[j] === a && w[j + 1] === b) {
          out.push(a + b);
          j++;
        } else out.push(w[j]);
      }
      words[i] = out;
      addPairs(i, 1);
    }
  }
  return merges;
}

/**
 * Builds a GPT-2 style byte-level BPE tokenizer.json whose vocabulary holds the special tokens
 * (ids 0..), then the byte symbols (all 256, or only those in `alphabet`), then every merge result.
 * words: plain words; each gets a bare form and a "Ġ" (leading space) form.
 */
export function buildTokenizer({ words, specials, alphabet = null }) {
  const forms = [];
  const seen = new Set();
  for (const w of words) {
    for (const f of [byteLevel(w), byteLevel(' ' + w)]) {
      if (!seen.has(f)) {
        seen.add(f);
        forms.push(f);
      }
    }
  }
  const merges = trainBpe(forms);
  const vocab = new Map();
  const add = (tok) => {
    if (!vocab.has(tok)) vocab.set(tok, vocab.size);
  };
  specials.forEach(add);
  let symbols = BYTE_SYMBOLS.map(([, s]) => s);
  if (alphabet) {
    const need = new Set(Array.from(byteLevel(alphabet)));
    for (const f of forms) for (const ch of f) need.add(ch);
    symbols = symbols.filter((s) => need.has(s));
  }
  symbols.forEach(add);
  for (const [a, b] of merges) add(a + b);
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  const ranks = new Map(merges.map(([a, b], i) => [a + ' ' + b, i]));
  const idToToken = [...vocab.keys()];
  return { json, vocab, idToToken, merges, ranks, forms };
}

/** BPE of one byte-level piece: repeatedly merge the lowest-ranked adjacent pair (leftmost). */
export function bpePiece(piece, ranks) {
  let syms = Array.from(piece);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let j = 0; j + 1 < syms.length; j++) {
      const r = ranks.get(syms[j] + ' ' + syms[j + 1]);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = j;
      }
    }
    if (best < 0) return syms;
    syms = [...syms.slice(0, best), syms[best] + syms[best + 1], ...syms.slice(best + 2)];
  }
}

/** Token ids of a text (no special tokens added); symbols missing from the vocab are dropped. */
export function bpeEncode(tok, text) {
  const ids = [];
  const tokens = [];
  for (const piece of text.match(GPT2_SPLIT) ?? []) {
    for (const s of bpePiece(byteLevel(piece), tok.ranks)) {
      const id = tok.vocab.get(s);
      if (id !== undefined) {
        ids.push(id);
        tokens.push(s);
      }
    }
  }
  return { ids, tokens };
}

// ---------------------------------------------------------------------------------------------
// Demo vocabulary: real English words in groups
// ---------------------------------------------------------------------------------------------

const words = (s) => s.trim().split(/\s+/);

/** [capital, country] pairs. */
export const CAPITALS = words(`
Paris France  Berlin Germany  Rome Italy  Madrid Spain  London Britain  Lisbon Portugal
Vienna Austria  Athens Greece  Dublin Ireland  Oslo Norway  Stockholm Sweden  Helsinki Finland
Copenhagen Denmark  Warsaw Poland  Prague Czechia  Budapest Hungary  Bucharest Romania
Sofia Bulgaria  Moscow Russia  Kyiv Ukraine  Ankara Turkey  Cairo Egypt  Nairobi Kenya
Abuja Nigeria  Accra Ghana  Tokyo Japan  Beijing China  Seoul Korea  Delhi India  Bangkok Thailand
Hanoi Vietnam  Jakarta Indonesia  Manila Philippines  Canberra Australia  Ottawa Canada
Lima Peru  Santiago Chile  Bogota Colombia  Caracas Venezuela  Quito Ecuador  Havana Cuba
Brasilia Brazil  Tehran Iran  Baghdad Iraq  Kabul Afghanistan  Islamabad Pakistan
Dhaka Bangladesh  Amsterdam Netherlands  Brussels Belgium  Bern Switzerland  Reykjavik Iceland
Tallinn Estonia  Riga Latvia  Vilnius Lithuania  Belgrade Serbia  Zagreb Croatia  Beirut Lebanon
Damascus Syria  Amman Jordan  Rabat Morocco  Tunis Tunisia  Algiers Algeria  Khartoum Sudan
`).reduce((acc, w, i, all) => (i % 2 ? acc : [...acc, [w, all[i + 1]]]), []);

export const GROUPS = {
  colour: words(`red orange yellow green blue purple pink brown black white grey violet indigo
    scarlet crimson turquoise golden silver beige maroon teal`),
  colourObject: words(`sky grass blood snow sun lemon banana cherry coal ocean leaf rose tomato
    strawberry carrot pumpkin emerald ruby sapphire cloud chalk ink ash sand gold milk lime`),
  animal: words(`dog cat cow horse pig sheep goat duck lion tiger wolf snake frog owl bee mouse
    bird donkey elephant monkey bear fox rabbit deer eagle goose whale dolphin shark zebra giraffe
    camel hen rooster parrot pigeon rat squirrel kangaroo penguin crocodile panda koala spider`),
  sound: words(`bark meow moo neigh oink baa bleat quack roar growl howl hiss croak hoot buzz
    squeak chirp tweet honk bray purr cluck caw squawk whinny snarl yelp whimper screech coo`),
  number: words(`one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty`),
  month: words(`January February March April May June July August September October November
    December`),
  season: words(`winter spring summer autumn fall`),
  day: words(`Monday Tuesday Wednesday Thursday Friday Saturday Sunday`),
  body: words(`head hand foot arm leg eye ear nose mouth tooth teeth tongue lip neck shoulder elbow
    wrist finger thumb knee ankle toe heel chest back stomach heart lung liver kidney brain skin
    bone hair face chin cheek forehead hip spine muscle`),
  food: words(`bread cheese rice pasta pizza soup salad butter egg apple pear grape melon peach
    plum potato onion garlic bean pea corn wheat meat beef pork chicken fish sugar salt pepper honey
    cake cookie pie sandwich burger noodle tea coffee juice wine beer yogurt cream chocolate mushroom
    cabbage lettuce spinach cucumber olive nut almond walnut mango pineapple kiwi coconut oat cereal
    bacon sausage ham steak shrimp lobster tofu jam`),
  cooking: words(`eat cook bake boil fry roast grill taste chew swallow slice stir serve feast dine`),
  verb: words(`be have do say go get make know think take see come want look use find give tell
    work call try ask need feel become leave put mean keep let begin seem help talk turn start show
    hear play run move like live believe hold bring happen write provide sit stand lose pay meet
    include continue set learn change lead understand watch follow stop create speak read allow add
    spend grow open walk win offer remember love consider appear buy wait die send expect build
    stay cut reach kill remain suggest raise pass sell require report decide pull drink sleep swim
    fly jump sing dance laugh cry smile throw catch push carry drive ride climb draw paint teach
    study answer travel visit wash clean break fix fill close hide join kick kiss knock lift listen
    marry miss pick plant pour pray rain rest shout shut sign steal touch trust wake wear whisper
    wish worry`),
  stop: words(`the a an and or but if then of to in on at by for with from as is are was were been
    being it its this that these those he she they we you I me him her them us my your his their
    our not no so too very can will just should would could may might must shall there here when
    where why how what which who whom whose all any both each few more most other some such only
    own same than up down out off over under again further once about into through during before
    after above below between against because until while nor has had having does did doing am
    also`),
  general: words(`time year people way day man woman child world life school state family student
    group country problem place case week company system program question government night point
    home water room mother area money story fact month lot right book job word business issue side
    kind house service friend father power hour game line end member law car city community name
    president team minute idea kid body information parent level office door health person art war
    history party result morning reason research girl boy moment air teacher force education king
    queen prince princess castle village town street road river lake mountain hill forest tree
    flower field farm garden island beach desert valley sea star moon planet earth fire wind storm
    weather ice stone rock metal iron glass paper wood cloth table chair bed window wall floor roof
    kitchen bath lamp clock phone computer screen key box bag cup plate bowl knife fork spoon bottle
    shirt dress shoe hat coat ring watch train bus plane ship boat bike ticket map letter picture
    music song movie film story poem language science math doctor nurse police soldier farmer
    artist writer singer driver pilot baby brother sister uncle aunt cousin son daughter husband
    wife neighbor guest crowd army church market shop bank hospital library museum hotel station
    airport bridge tower wheel engine machine tool gift party dream hope fear anger joy peace love
    truth beauty freedom justice luck skill secret plan choice mistake lesson test chance danger
    trouble answer rule order price cost value size shape color sound voice noise smell taste
    touch sight mind soul spirit god angel ghost magic
    good new first last long great little old big high different small large next early young
    important public bad able hot cold warm cool happy sad fast slow strong weak rich poor easy
    hard dark light heavy soft loud quiet dirty full empty deep wide narrow sharp sweet sour bitter
    salty fresh ancient modern beautiful ugly brave calm clever gentle proud shy wild tame tall
    short thin thick round flat smooth rough wet dry bright dull busy lazy angry tired hungry
    sick healthy safe dangerous famous strange simple serious funny real true false free open
    early late ready sure certain clear whole main final local national natural human social
    political economic special private common general several many much every
    today tomorrow yesterday tonight always never often sometimes usually already soon still
    almost yet ever quite rather perhaps maybe together away home inside outside north south east
    west left right hundred thousand million`),
  more: words(`ability account action activity actor address advice age agent agreement animal
    apartment appearance approach argument arrival article attack attempt attention audience author
    authority award balance ball band base basket battle bell belt benefit bill birth blanket blade
    board bomb border bottom branch brand breath brick budget button cabin cable camera camp campaign
    candle capital captain card care career cart cash cat cell center century chain chairman
    challenge champion channel chapter character charge chart check chief circle citizen claim
    class climate club coach coast code coin collection college column comment committee
    competition computer concept concert condition conference connection contract control corner
    council counter couple courage course court cover crack craft credit crew crime crisis
    criticism crop culture cup curtain customer cycle damage data date deal death debate debt
    decision degree delay demand department design desk detail device diamond diet difference
    dinner direction director disease dish distance district division document dollar drama
    drawer dress drop duty economy edge editor effect effort election element emotion employee
    energy engineer entrance environment episode equipment error escape estate event evidence
    exam example exchange exercise exit experience expert eye fabric factor factory failure faith
    fan fashion feature fee feeling fence festival figure file finance finger flag flight floor
    focus folk font football forest form fortune frame fruit fuel function fund future gallery gap
    gate gear generation glove goal grade grain grandfather grandmother guard guide guitar gun habit
    half hall handle harbor hero highway hole holiday honor horizon host household hunger hunt
    image impact income index industry influence injury insect instance instrument insurance
    interest internet interview invention investment item jacket jail jewel journey judge jury
    kingdom knowledge label labor ladder land laptop layer leader league leather lecture length
    lesson level license lid limit link lip list loan lock log loss lunch magazine mail manager
    manner margin mark mass master match material matter meal meaning measure medal media medicine
    meeting memory menu message method middle mile mirror mission model mood motor movement nation
    nature needle net network news newspaper note notice novel object ocean offer officer oil
    opinion option orange organ origin output owner pace pack page pain pair palace panel pants
    parcel park partner passage passenger past path patient pattern payment pen pencil pension
    percent period permit phrase piano piece pile pillow pilot pin pipe pitch platform player
    pocket poet pole pool population port position post pot pound powder practice prayer present
    pressure pride priest print prison prize process product profit project promise proof property
    protest pump purpose puzzle quality quarter race radio rate ratio reader record region relation
    release rent repair request resource response restaurant review reward rhythm ribbon rice
    risk role room root rope route row sail sale sample scale scene schedule scheme score season
    seat section sector security seed sense series session setting shadow share shelf shell
    shelter shift shock shore signal silence silk singer sink site situation sketch skirt slave
    slope smoke snake society sock software soil solution source space speaker speech speed spot
    square stage staff stair stamp standard statement status step stick stock storm strategy
    stream strength stress string structure style subject success suit supply support surface
    surprise survey symbol table tail talent tank target task tax technology temple term territory
    text theory thread throat thunder tide tie title toast tone topic tour track trade tradition
    traffic trail transport trap tray treasure treatment trial trip truck tune tunnel unit
    universe university user vacation van vehicle version victim victory video view virus vision
    visitor volume vote wage wagon wallet warning wave wealth weapon wedding weight west whistle
    width window wing winner wire witness wonder worker yard youth zone
    absolute active actual additional afraid alive alone amazing anxious aware awful basic
    blind bold boring broad broken careful central cheap chemical chronic civil classic comfortable
    complete complex conscious constant correct crazy critical cruel curious current cute daily
    dear decent delicate direct distant domestic double eager eastern electric elegant emotional
    entire equal essential evil exact excellent expensive extra extreme fair familiar fancy fat
    fierce fine firm foreign formal former fortunate frequent friendly front frozen generous giant
    glad global grand grateful guilty handsome helpful honest horrible huge ideal ill illegal
    independent individual initial innocent intense internal joint junior keen large legal liquid
    little lonely loose lovely lucky mad magnificent major male mental mere mild military minor
    mobile moral multiple mutual naked nasty nervous nice noble normal novel obvious odd official
    old operational ordinary original outer pale particular patient perfect permanent personal
    physical plain pleasant polite popular positive possible powerful practical precious pregnant
    pretty previous primary prime principal proper pure rapid rare raw reasonable recent regular
    relevant remarkable remote responsible rude sacred scared secure senior sensitive separate
    severe sexy significant silent silly similar sincere slight solid sorry spare specific spiritual
    square stable steady steep sticky stiff straight strict stupid sudden suitable super superb
    tender terrible thick tight tiny tough tropical typical unable unhappy unique unknown unusual
    upper upset urban useful useless valuable various vast visible visual vital warm weird
    western wise wooden worried worth wrong
    accept achieve admire admit adopt advise afford agree aim announce apologize apply argue
    arrange arrest arrive attach attend avoid bake bathe battle beat beg behave belong bend bet
    bind bite bleed bless blow boast bore borrow bother bounce bow breathe breed brush burn burst
    bury calculate cancel care celebrate challenge charge chase cheat cheer choose claim clap
    collect combine comfort command compare compete complain complete confess confirm confuse
    connect contain copy correct cough count crash crawl cross crush cure curl damage dare deliver
    depend describe deserve destroy develop dig disagree discover discuss dislike divide dream dress
    drop dry earn educate employ encourage enjoy enter escape examine excite excuse exercise exist
    explain explode explore express extend fade fail fasten fear feed fetch fight file float flow
    fold force forget forgive freeze frighten gather glue grab greet grin grip groan guard guess
    hang hate heal heat hug hunt hurry hurt identify ignore imagine impress improve increase
    influence inform inject injure insist inspire intend interrupt introduce invent invite iron
    itch jog joke judge juggle kneel knit land last launch lay lean lick lie lock long manage march
    mark match matter measure melt mention mix moan mourn nod note notice obey object observe
    obtain occur own pack park part pat pause peel perform permit persuade phone pinch place plan
    please point poke polish possess post practice praise prefer prepare present preserve pretend
    prevent print produce promise protect prove punch punish queue race reflect refuse regret
    reject rejoice relax release rely remind remove repair repeat replace reply rescue retire
    return reveal rinse rob rock roll rub rule rush satisfy save scare scatter scold scrape scream
    search seek select separate settle shake share shave shine shiver shoot shop shrug sigh sink
    skip slap slip smash sneeze sniff snore solve sort spark spell spill spin spit splash spoil
    spray spread squeeze stamp stare steer sting stitch store strip stroke struggle succeed suck
    suffer supply support suppose surprise surround suspect swap sweep switch tap tear tease tempt
    test thank tick tie tip tire trace trade train transform trap tremble trick trip trot trouble
    type unite unlock unpack vanish wander warn waste wave weigh welcome whip whirl wink wipe wobble
    wonder wrap wreck wriggle yawn yell zip zoom`),
};

// ---------------------------------------------------------------------------------------------
// Demo vindex
// ---------------------------------------------------------------------------------------------

const SEED = 20240607;
const NUM_LAYERS = 12;
const HIDDEN = 128;
const FEATURES = 512;
const TOP_K = 10;
const MODEL = 'vindex-explorer/synthetic-demo';
const SPECIALS = ['<|endoftext|>', '<|pad|>'];
const LAYER_BANDS = { syntax: [0, 3], knowledge: [4, 8], output: [9, 11] };

/** Every demo word with its group ("general" when none), first group wins. */
function demoWords() {
  const list = [];
  const group = new Map();
  const put = (w, g) => {
    if (!group.has(w)) {
      group.set(w, g);
      list.push(w);
    }
  };
  for (const [cap, country] of CAPITALS) {
    put(cap, 'capital');
    put(country, 'country');
  }
  for (const [g, ws] of Object.entries(GROUPS)) for (const w of ws) put(w, g);
  return { list, group };
}

/** The planted relations: which group a feature hears, which it says, and where it lives. */
const RELATIONS = [
  { name: 'capital → country', hears: 'capital', says: 'country', layer: 6, echoes: [5, 7], queries: ['Paris', 'Berlin', ' Tokyo'] },
  { name: 'colour → coloured thing', hears: 'colour', says: 'colourObject', layer: 5, echoes: [4], queries: ['red', ' green'] },
  { name: 'animal → animal sound', hears: 'animal', says: 'sound', layer: 7, echoes: [8], queries: ['dog', ' cat'] },
  { name: 'month → season', hears: 'month', says: 'season', layer: 8, echoes: [9], queries: ['March', ' December'] },
  { name: 'food → cooking verb', hears: 'food', says: 'cooking', layer: 10, echoes: [9], queries: ['bread', ' cheese'] },
];
const SUCCESSOR_LAYER = 3; // "n → n+1" features for one..nineteen

/** Builds the whole demo in memory: returns {files: {name: Buffer}, summary}. */
export function buildDemo() {
  const rng = makeRng(SEED);
  const H = HIDDEN;
  const { list, group } = demoWords();
  const tok = buildTokenizer({ words: list, specials: SPECIALS });
  const V = tok.vocab.size;

  // --- embeddings: group direction + word direction (+ capital/country pair direction) ---
  const groupDir = new Map();
  for (const g of new Set(group.values())) groupDir.set(g, randomUnit(rng, H));
  const pairDir = new Map();
  for (const [cap, country] of CAPITALS) {
    const p = randomUnit(rng, H);
    pairDir.set(cap, p);
    pairDir.set(country, p);
  }
  const wordVec = new Map();
  for (const w of list) {
    const g = group.get(w);
    const u = randomUnit(rng, H);
    const norm = 0.9 + 0.2 * rng.uniform();
    let v;
    if (g === 'general') v = combine(H, [[1, u]]);
    else if (g === 'stop') v = combine(H, [[0.5, groupDir.get(g)], [0.85, u]]);
    else if (pairDir.has(w)) v = combine(H, [[0.75, groupDir.get(g)], [0.35, pairDir.get(w)], [0.55, u]]);
    else v = combine(H, [[0.8, groupDir.get(g)], [0.6, u]]);
    wordVec.set(w, scaleTo(v, norm));
  }
  const formOf = new Map(); // token id → word
  for (const w of list) {
    formOf.set(tok.vocab.get(byteLevel(w)), w);
    formOf.set(tok.vocab.get(byteLevel(' ' + w)), w);
  }
  const emb = new Float64Array(V * H);
  for (let t = 0; t < V; t++) {
    let v;
    if (t === 1) v = new Float64Array(H); // <|pad|>: an all-zero row, as many models have
    else if (t === 0) v = scaleTo(randomUnit(rng, H), 0.3);
    else if (formOf.has(t)) {
      const base = wordVec.get(formOf.get(t));
      v = combine(H, [[1, base], [0.12, randomUnit(rng, H)]]);
    } else if (t < SPECIALS.length + 256) v = scaleTo(randomUnit(rng, H), 0.4); // byte symbols
    else v = scaleTo(randomUnit(rng, H), 0.6); // sub-word pieces
    emb.set(v, t * H);
  }
  const E = roundTo(emb, 'f16'); // as stored

  // --- gate and down rows: random background ---
  const L = NUM_LAYERS;
  const F = FEATURES;
  const gate = new Float64Array(L * F * H);
  const down = new Float64Array(L * F * H);
  for (let l = 0; l < L; l++) {
    const gScale = 0.3 + 0.1 * Math.sin(l); // per-layer spread, like real models
    for (let i = 0; i < F * H; i++) gate[(l * F) * H + i] = rng.normal() * gScale;
    for (let i = 0; i < F * H; i++) down[(l * F) * H + i] = rng.normal() * 0.08;
  }

  // --- planted features ---
  const idsOf = (w) => [tok.vocab.get(byteLevel(w)), tok.vocab.get(byteLevel(' ' + w))];
  const sumOf = (ws) => {
    const s = new Float64Array(H);
    for (const w of ws) for (const t of idsOf(w)) for (let i = 0; i < H; i++) s[i] += E[t * H + i];
    return scaleTo(s, 1);
  };
  const wordsIn = (g) => list.filter((w) => group.get(w) === g);
  const used = new Set();
  const pickFeature = (l) => {
    for (;;) {
      const f = rng.int(F);
      if (!used.has(`${l}:${f}`)) {
        used.add(`${l}:${f}`);
        return f;
      }
    }
  };
  const plant = (l, f, hearsDir, saysDir, purity, gNorm, dNorm) => {
    const gv = scaleTo(combine(H, [[1, hearsDir], [Math.sqrt(1 - purity ** 2) / purity, randomUnit(rng, H)]]), gNorm);
    const dv = scaleTo(combine(H, [[1, saysDir], [0.15, randomUnit(rng, H)]]), dNorm);
    gate.set(gv, (l * F + f) * H);
    down.set(dv, (l * F + f) * H);
  };
  const planted = [];
  for (const rel of RELATIONS) {
    const hearsDir = sumOf(wordsIn(rel.hears));
    const saysDir = sumOf(wordsIn(rel.says));
    const f = pickFeature(rel.layer);
    plant(rel.layer, f, hearsDir, saysDir, 0.97, 24, 3);
    planted.push({ layer: rel.layer, feature: f, label: rel.name, kind: 'main', hears: rel.hears, says: rel.says, queries: rel.queries });
    for (const el of rel.echoes) {
      const fe = pickFeature(el);
      plant(el, fe, hearsDir, saysDir, 0.6, 12, 1.5);
      planted.push({ layer: el, feature: fe, label: `${rel.name} (weak)`, kind: 'echo', hears: rel.hears, says: rel.says, queries: [] });
    }
  }
  const nums = GROUPS.number;
  for (let n = 0; n + 1 < nums.length; n++) {
    const f = pickFeature(SUCCESSOR_LAYER);
    plant(SUCCESSOR_LAYER, f, sumOf([nums[n]]), sumOf([nums[n + 1]]), 0.97, 24, 3);
    planted.push({
      layer: SUCCESSOR_LAYER,
      feature: f,
      label: `${nums[n]} → ${nums[n + 1]}`,
      kind: 'successor',
      hears: nums[n],
      says: nums[n + 1],
      queries: n < 3 ? [nums[n], ' ' + nums[n]] : [],
    });
  }
  planted.sort((a, b) => a.layer - b.layer || a.feature - b.feature);

  // --- stored values and DMET ---
  const G = roundTo(gate, 'f16');
  const D = roundTo(down, 'f32');
  const dmetLayers = [];
  for (let l = 0; l < L; l++) {
    const recs = [];
    for (let f = 0; f < F; f++) recs.push(dmetRecord(E, V, H, D, (l * F + f) * H, TOP_K));
    dmetLayers.push(recs);
  }

  // --- self-check: every planted query's best cosine feature is the planted one ---
  const tokenText = (t) => tok.idToToken[t].replaceAll('Ġ', ' ');
  const cosTop = (ids) => {
    const q = new Float64Array(H);
    for (const t of ids) for (let i = 0; i < H; i++) q[i] += E[t * H + i] / ids.length;
    const qn = normAt(q, 0, H);
    let best = null;
    let bestDot = null;
    for (let l = 0; l < L; l++) {
      for (let f = 0; f < F; f++) {
        const o = (l * F + f) * H;
        const d = dotAt(G, o, q, 0, H);
        const c = d / (normAt(G, o, H) * qn + 1e-8);
        if (!best || c > best.score) best = { layer: l, feature: f, score: c };
        if (!bestDot || Math.abs(d) > Math.abs(bestDot.score)) bestDot = { layer: l, feature: f, score: d };
      }
    }
    return { best, bestDot };
  };
  for (const p of planted) {
    const rec = dmetLayers[p.layer][p.feature];
    p.top_tokens = rec.top_k.map(([t]) => tokenText(t));
    const checks = [];
    for (const text of p.queries) {
      const { ids } = bpeEncode(tok, text);
      if (ids.length !== 1) throw new Error(`demo: "${text}" is not one token`);
      const { best, bestDot } = cosTop(ids);
      if (best.layer !== p.layer || best.feature !== p.feature) {
        throw new Error(`demo: query "${text}" tops L${best.layer} F${best.feature}, not planted L${p.layer} F${p.feature}`);
      }
      if (bestDot.layer !== p.layer || bestDot.feature !== p.feature) {
        throw new Error(`demo: query "${text}" (dot) tops L${bestDot.layer} F${bestDot.feature}, not L${p.layer} F${p.feature}`);
      }
      checks.push({ text, ids, cos: Number(best.score.toFixed(4)), dot: Number(bestDot.score.toFixed(4)) });
    }
    p.queries = checks;
  }
  // Every word of a hears-group must find its main feature (cosine), both forms.
  for (const rel of RELATIONS) {
    const main = planted.find((p) => p.kind === 'main' && p.label === rel.name);
    for (const w of wordsIn(rel.hears)) {
      for (const t of idsOf(w)) {
        const { best } = cosTop([t]);
        if (best.layer !== main.layer || best.feature !== main.feature) {
          throw new Error(`demo: "${tokenText(t)}" tops L${best.layer} F${best.feature}, not ${rel.name}`);
        }
      }
    }
  }

  // --- files ---
  const layerBytes = F * H * 2;
  const files = {};
  files['gate_vectors.bin'] = encodeF16(gate);
  files['embeddings.bin'] = encodeF16(emb);
  files['down_features.bin'] = encodeF32(down);
  files['down_meta.bin'] = dmetBytes(dmetLayers, TOP_K);
  files['tokenizer.json'] = Buffer.from(JSON.stringify(tok.json) + '\n');
  const labels = {};
  for (const p of planted) labels[`L${p.layer}_F${p.feature}`] = p.label;
  files['feature_labels.json'] = Buffer.from(JSON.stringify(labels, null, 2) + '\n');
  const checksums = {};
  for (const name of ['gate_vectors.bin', 'embeddings.bin', 'down_features.bin', 'down_meta.bin']) {
    checksums[name] = sha256Hex(files[name]);
  }
  const index = {
    version: 2,
    model: MODEL,
    family: 'llama',
    source: {
      huggingface_repo: null,
      huggingface_revision: null,
      safetensors_sha256: null,
      extracted_at: null,
      larql_version: null,
    },
    checksums,
    num_layers: L,
    hidden_size: H,
    intermediate_size: F,
    vocab_size: V,
    embed_scale: 1.0,
    extract_level: 'browse',
    dtype: 'f16',
    quant: 'none',
    layer_bands: LAYER_BANDS,
    layers: Array.from({ length: L }, (_, l) => ({ layer: l, num_features: F, offset: l * layerBytes, length: layerBytes })),
    down_top_k: TOP_K,
    has_model_weights: false,
    model_config: {
      model_type: 'llama',
      head_dim: 32,
      num_q_heads: 4,
      num_kv_heads: 4,
      rope_base: 10000,
      sliding_window: null,
      moe: null,
    },
  };
  files['index.json'] = Buffer.from(JSON.stringify(index, null, 2) + '\n');
  const manifest = {
    generator: 'scripts/make-demo.mjs',
    command: 'npm run demo',
    seed: SEED,
    synthetic: true,
    note: 'Synthetic demo vindex with planted structure. Not extracted from any model.',
    shape: { num_layers: L, features_per_layer: F, hidden_size: H, vocab_size: V, embed_scale: 1.0, words: list.length },
    dtypes: { 'gate_vectors.bin': 'f16', 'embeddings.bin': 'f16', 'down_features.bin': 'f32' },
    planted: planted.map((p) => ({
      layer: p.layer,
      feature: p.feature,
      label: p.label,
      kind: p.kind,
      hears: p.hears,
      says: p.says,
      down_meta_top_tokens: p.top_tokens,
      queries: p.queries,
    })),
  };
  files['manifest.json'] = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
  files['README.md'] = Buffer.from(modelCard({ V, planted, nWords: list.length }));
  files['SHA256SUMS'] = Buffer.from(sha256sums(files));
  return { files, planted, V };
}

function modelCard({ V, planted, nWords }) {
  const mains = planted.filter((p) => p.kind === 'main' || (p.kind === 'successor' && p.queries.length));
  const rows = mains
    .map((p) => `| ${p.layer} | ${p.feature} | ${p.label} | ${p.queries.map((q) => JSON.stringify(q.text)).join(', ')} | ${p.top_tokens.slice(0, 4).map((t) => t.trim()).join(', ')} |`)
    .join('\n');
  return `---
base_model: none
license: mit
library_name: larql
tags:
  - vindex
  - larql
  - synthetic
  - demo
---

# Synthetic demo vindex

**This is a synthetic demo vindex with planted structure. It was not extracted from any real
model, and its numbers mean nothing beyond the structure described here.** It exists so that the
Vindex Explorer has something small to open at first visit. It is generated by
\`scripts/make-demo.mjs\` (\`npm run demo\`) from a fixed seed (${SEED}).

Shape: ${NUM_LAYERS} layers × ${FEATURES} features, hidden size ${HIDDEN}, vocabulary ${V} tokens
(a byte-level BPE over ${nWords} real English words, each as "word" and " word"), LarQL v2 layout, f16 gate
and embeddings, f32 down vectors, DMET \`down_meta.bin\` with top-${TOP_K} tokens per feature.

Embeddings are built from group directions (capitals, countries, colours, animals, numbers, months,
foods, ...) plus noise, so words of one group cluster. Most features are random. A few are planted:
their gate row points at a word group (what the feature "hears") and their down row at another
group (what it "says"), so their down_meta top tokens are that group. For example:

| layer | feature | planted relation | queries that find it first | top output tokens |
|---|---|---|---|---|
${rows}

Each group feature (not the number features) also has weaker "echo" copies in neighbouring layers. \`manifest.json\` lists
every planted feature; \`feature_labels.json\` labels them.
`;
}

/** Writes the demo into dir (cleared first) and prints a summary. */
export function writeDemo(dir) {
  const t0 = Date.now();
  const { files, planted, V } = buildDemo();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let total = 0;
  for (const [name, buf] of Object.entries(files)) {
    writeFileSync(join(dir, name), buf);
    total += buf.length;
  }
  console.log(`demo vindex: ${NUM_LAYERS} layers × ${FEATURES} features, H=${HIDDEN}, V=${V}, ${(total / 1e6).toFixed(2)} MB in ${dir} (${Date.now() - t0} ms)`);
  console.log('planted features:');
  for (const p of planted) {
    const q = p.queries.map((c) => `${JSON.stringify(c.text)} cos ${c.cos} dot ${c.dot}`).join('; ');
    console.log(`  L${p.layer} F${p.feature}  ${p.label.padEnd(34)} says: ${p.top_tokens.slice(0, 4).join(',')}${q ? `  [${q}]` : ''}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  writeDemo(join(root, 'public', 'demo'));
}

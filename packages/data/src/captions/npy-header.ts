import { DataError } from '../data-error.js';

/** The header of a `.npy` file: the three keys of its dictionary. */
export interface NpyHeader {
  /** The dtype as NumPy spells it: `'<f4'`, `'>i8'`, `'|u1'`… */
  readonly descr: string;
  /** True when the data is in column-major (Fortran) order. */
  readonly fortranOrder: boolean;
  /** The array's shape; `[]` for a scalar. */
  readonly shape: readonly number[];
}

/** The Python literals a header may hold: dicts, tuples and lists, strings, ints, booleans. */
type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * A recursive-descent parser for the Python literal of a `.npy` header
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`): NumPy writes it with
 * `repr` and reads it with `ast.literal_eval`, so it is parsed here, never evaluated.
 */
class LiteralParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly fail: (why: string, at: number) => never,
  ) {}

  /** The whole text as one value, nothing but whitespace after it. */
  parse(): PyValue {
    const value = this.value();
    this.skipSpace();
    if (this.at < this.text.length) this.fail('unexpected text after the dictionary', this.at);
    return value;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text.charAt(this.at))) this.at += 1;
  }

  /** Consumes `char` (after whitespace) if it is next; says whether it was. */
  private eat(char: string): boolean {
    this.skipSpace();
    if (this.text.charAt(this.at) !== char) return false;
    this.at += 1;
    return true;
  }

  private value(): PyValue {
    this.skipSpace();
    const char = this.text.charAt(this.at);
    if (char === '{') return this.dict();
    if (char === '(' || char === '[') return this.sequence(char);
    if (char === "'" || char === '"') return this.string(char);
    // Python 2 NumPy wrote shape entries as longs: `(3L, 4L)`.
    const word = /^(?:True|False|None|[-+]?\d+L?)(?![\w.])/.exec(this.text.slice(this.at));
    if (word === null) return this.fail('expected a value', this.at);
    this.at += word[0].length;
    if (word[0] === 'True' || word[0] === 'False') return word[0] === 'True';
    return word[0] === 'None' ? null : Number.parseInt(word[0], 10);
  }

  private string(quote: string): string {
    const start = this.at;
    let result = '';
    for (this.at += 1; this.at < this.text.length; this.at += 1) {
      const char = this.text.charAt(this.at);
      if (char === quote) {
        this.at += 1;
        return result;
      }
      // A backslash keeps the next character as it is: enough for dtype and key strings.
      if (char === '\\') this.at += 1;
      result += this.text.charAt(this.at);
    }
    return this.fail('unterminated string', start);
  }

  /** A tuple or list; `(x)` without a comma is just `x`, as in Python. */
  private sequence(open: '(' | '['): PyValue {
    const close = open === '(' ? ')' : ']';
    this.at += 1;
    const items: PyValue[] = [];
    let comma = false;
    while (!this.eat(close)) {
      if (items.length > 0 && !comma) this.fail(`expected ',' or '${close}'`, this.at);
      items.push(this.value());
      comma = this.eat(',');
    }
    return open === '(' && items.length === 1 && !comma ? (items[0] as PyValue) : items;
  }

  private dict(): Map<string, PyValue> {
    this.at += 1;
    const entries = new Map<string, PyValue>();
    let comma = true;
    while (!this.eat('}')) {
      if (!comma) this.fail("expected ',' or '}'", this.at);
      const start = this.at;
      const key = this.value();
      if (typeof key !== 'string') this.fail('a key that is not a string', start);
      if (entries.has(key)) this.fail(`key '${key}' twice`, start);
      if (!this.eat(':')) this.fail("expected ':'", this.at);
      entries.set(key, this.value());
      comma = this.eat(',');
    }
    return entries;
  }
}

const KEYS = ['descr', 'fortran_order', 'shape'] as const;

/**
 * Parses and checks a `.npy` header dictionary: exactly the keys `descr` (a string: a
 * structured dtype, given as a list, is refused), `fortran_order` (a boolean) and `shape` (a
 * tuple of non-negative integers).
 *
 * @throws {DataError} `'format'` naming `path` and what is wrong (with the character offset
 *   for a syntax error).
 */
export function parseNpyHeader(header: string, path: string): NpyHeader {
  const fail = (why: string): never => {
    throw new DataError('format', path, `${path}: .npy header ${why}: ${header.trim()}`);
  };
  const value = new LiteralParser(header, (why, at) => fail(`${why} at offset ${at}`)).parse();
  if (!(value instanceof Map)) return fail('is not a dictionary');
  for (const key of value.keys()) {
    if (!(KEYS as readonly string[]).includes(key)) fail(`has an unexpected key '${key}'`);
  }
  const [descr, fortranOrder, shape] = KEYS.map((key) =>
    value.has(key) ? value.get(key) : fail(`has no '${key}' key`),
  );
  if (typeof descr !== 'string') return fail('describes a structured dtype, not supported');
  if (typeof fortranOrder !== 'boolean') return fail("has a 'fortran_order' that is not a boolean");
  const isDimension = (d: PyValue): d is number =>
    typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
  if (!(Array.isArray(shape) && shape.every(isDimension))) {
    return fail("has a 'shape' that is not a tuple of non-negative integers");
  }
  return { descr, fortranOrder, shape: shape as number[] };
}

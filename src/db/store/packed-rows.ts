import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../client.js";

/**
 * Many rows of integer columns, read as one string and parsed into one typed array per column:
 * `1,2;3,4` is the rows (1, 2) and (3, 4). A weekly run over a 100,000-member club reads a million
 * network ties; as rows, the driver builds an object per row (seconds on PGlite, over a second on
 * pg), as one string it is one value and a few milliseconds of parsing (parsePackedInts).
 *
 * `columns` must be integer expressions that are never null (concat_ws would skip a null and shift
 * the row); `from` is the rest of the query (`from ... where ...`); `orderBy` orders the rows.
 * The read is a scalar subquery: readPacked makes several in one statement.
 */
export function packedRead(columns: SQL[], from: SQL, orderBy?: SQL): PackedRead {
  const order = orderBy ? sql` order by ${orderBy}` : sql``;
  return { query: sql`(select string_agg(concat_ws(',', ${sql.join(columns, sql`, `)}), ';'${order}) ${from})`, width: columns.length };
}

export interface PackedRead {
  query: SQL;
  /** Integers a row. */
  width: number;
}

/** The packed strings of several reads, in one statement (one round trip); "" for no rows. */
export async function readPacked(db: Db, reads: PackedRead[]): Promise<string[]> {
  const [row] = await queryRows<Record<string, string | null>>(
    db,
    sql`select ${sql.join(
      reads.map((read, i) => sql`${read.query} as ${sql.raw(`p${i}`)}`),
      sql`, `,
    )}`,
  );
  return reads.map((_, i) => row?.[`p${i}`] ?? "");
}

/** Parses `1,2;3,-4` into columns ([1, 3], [2, -4]); every row must have `width` integers. */
export function parsePackedInts(packed: string, width: number): Int32Array[] {
  if (packed === "") return Array.from({ length: width }, () => new Int32Array(0));
  let rows = 1;
  for (let i = 0; i < packed.length; i++) if (packed.charCodeAt(i) === SEMICOLON) rows++;
  const columns = Array.from({ length: width }, () => new Int32Array(rows));
  let row = 0;
  let column = 0;
  let value = 0;
  let negative = false;
  let digits = 0;
  for (let i = 0; i <= packed.length; i++) {
    const char = i < packed.length ? packed.charCodeAt(i) : SEMICOLON;
    if (char >= ZERO && char <= NINE) {
      value = value * 10 + (char - ZERO);
      digits++;
    } else if (char === MINUS && digits === 0 && !negative) {
      negative = true;
    } else if ((char === COMMA || char === SEMICOLON) && digits > 0 && column < width) {
      columns[column]![row] = negative ? -value : value;
      value = 0;
      digits = 0;
      negative = false;
      column++;
      if (char === SEMICOLON) {
        if (column !== width) break;
        column = 0;
        row++;
      }
    } else {
      throw new Error(`packed rows: unexpected ${JSON.stringify(packed[i] ?? "end")} at ${i}`);
    }
  }
  if (row !== rows) throw new Error(`packed rows: row ${row + 1} has ${column} of ${width} values`);
  return columns;
}

const COMMA = 44;
const SEMICOLON = 59;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/**
 * `array['a','b']`, written into the statement: a fixed vocabulary (never user input), whose
 * array_position packs a text value as an integer.
 */
export const textArray = (values: readonly string[]) => sql.raw(`array[${values.map((v) => `'${v}'`).join(",")}]`);

/** `{1,2,3}`: an int[] literal, bound as one parameter (tens of thousands of ids, not as many parameters). */
export const intArray = (values: ArrayLike<number>) => sql`${`{${Array.prototype.join.call(values, ",")}}`}::int[]`;

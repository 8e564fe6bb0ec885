/**
 * Writes tiny MaxMind DB files (format 2.0) for tests: an IPv6-sized binary
 * search tree with 24-bit records, a data section without pointers, and the
 * metadata map after "\xAB\xCD\xEFMaxMind.com". IPv4 networks live at
 * ::a.b.c.d/(96+n), where readers look for them.
 */

export type MmdbValue = string | number | boolean | bigint | Uint | MmdbValue[] | { [key: string]: MmdbValue };

/** An unsigned integer of an explicit MaxMind type (plain JS integers are written as uint32). */
export class Uint {
  constructor(readonly bits: 16 | 32 | 64 | 128, readonly value: number | bigint) {}
}

export interface MmdbEntry {
  /** CIDR, IPv4 ("81.2.69.0/24") or IPv6 ("2a02:c7f::/32"). */
  network: string;
  record: MmdbValue;
}

export interface MmdbOptions {
  databaseType?: string;
  languages?: string[];
  description?: Record<string, string>;
  buildEpoch?: number;
}

const RECORD_SIZE = 24;
const MAX_RECORD = 2 ** RECORD_SIZE - 1;
const METADATA_MARKER = [0xab, 0xcd, 0xef, ...new TextEncoder().encode("MaxMind.com")];

// Data types from the spec; 8 and above are "extended".
const T = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, int32: 8, uint64: 9, uint128: 10, array: 11, boolean: 14 };

// ---------------------------------------------------------------- data section

function controlBytes(type: number, size: number): number[] {
  let sizeBits: number;
  let extra: number[] = [];
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    extra = [size - 29];
  } else if (size < 285 + 65_536) {
    sizeBits = 30;
    const n = size - 285;
    extra = [n >> 8, n & 0xff];
  } else {
    sizeBits = 31;
    const n = size - 65_821;
    extra = [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  }
  if (type <= 7) return [(type << 5) | sizeBits, ...extra];
  return [sizeBits, type - 7, ...extra];
}

function uintBytes(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) throw new RangeError(`negative unsigned value ${value}`);
  const out: number[] = [];
  while (v > 0n) {
    out.unshift(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

export function encodeValue(value: MmdbValue): number[] {
  if (typeof value === "string") {
    const bytes = [...new TextEncoder().encode(value)];
    return [...controlBytes(T.string, bytes.length), ...bytes];
  }
  if (typeof value === "boolean") return controlBytes(T.boolean, value ? 1 : 0);
  if (typeof value === "bigint") value = new Uint(value < 2n ** 64n ? 64 : 128, value);
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff) value = new Uint(32, value);
    else if (Number.isInteger(value) && value < 0 && value >= -(2 ** 31)) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, value);
      return [...controlBytes(T.int32, 4), ...b];
    } else {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, value);
      return [...controlBytes(T.double, 8), ...b];
    }
  }
  if (value instanceof Uint) {
    const type = { 16: T.uint16, 32: T.uint32, 64: T.uint64, 128: T.uint128 }[value.bits];
    const bytes = uintBytes(value.value);
    if (bytes.length > value.bits / 8) throw new RangeError(`${value.value} does not fit uint${value.bits}`);
    return [...controlBytes(type, bytes.length), ...bytes];
  }
  if (Array.isArray(value)) {
    return [...controlBytes(T.array, value.length), ...value.flatMap(encodeValue)];
  }
  const entries = Object.entries(value);
  return [...controlBytes(T.map, entries.length), ...entries.flatMap(([k, v]) => [...encodeValue(k), ...encodeValue(v)])];
}

// ---------------------------------------------------------------- addresses

function parseIpv4(s: string): number[] {
  const parts = s.split(".");
  if (parts.length !== 4) throw new Error(`bad IPv4 address ${s}`);
  return parts.map((p) => {
    const n = Number(p);
    if (!/^\d{1,3}$/.test(p) || n > 255) throw new Error(`bad IPv4 address ${s}`);
    return n;
  });
}

function parseIpv6(s: string): number[] {
  let tail: number[] = [];
  let str = s;
  const lastColon = str.lastIndexOf(":");
  if (str.slice(lastColon + 1).includes(".")) {
    tail = parseIpv4(str.slice(lastColon + 1));
    str = str.slice(0, lastColon + 1) + "0:0";
  }
  const halves = str.split("::");
  if (halves.length > 2) throw new Error(`bad IPv6 address ${s}`);
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const all = [...head, ...Array(fill).fill("0"), ...rest];
  if (all.length !== 8 || all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) throw new Error(`bad IPv6 address ${s}`);
  const bytes = all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** A CIDR as the 128 bits of its IPv6-tree position and its prefix length there. */
export function parseNetwork(cidr: string): { bytes: number[]; prefix: number } {
  const [addr, len] = cidr.split("/");
  const v4 = !addr.includes(":");
  const max = v4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`bad prefix in ${cidr}`);
  return v4 ? { bytes: [...Array(12).fill(0), ...parseIpv4(addr)], prefix: prefix + 96 } : { bytes: parseIpv6(addr), prefix };
}

// ---------------------------------------------------------------- search tree

type Ref = { node: number } | { data: number } | null;

interface TreeNode {
  children: [Ref, Ref];
}

function bitAt(bytes: number[], i: number): 0 | 1 {
  return ((bytes[i >> 3] >> (7 - (i & 7))) & 1) as 0 | 1;
}

/** The bytes of a .mmdb file holding `entries`; more specific networks win where they overlap. */
export function writeMmdb(entries: MmdbEntry[], options: MmdbOptions = {}): Uint8Array {
  // Data section: each distinct record once.
  const data: number[] = [];
  const offsets = new Map<string, number>();
  const dataIndex = (record: MmdbValue): number => {
    const bytes = encodeValue(record);
    const key = bytes.join(",");
    let off = offsets.get(key);
    if (off === undefined) {
      off = data.length;
      offsets.set(key, off);
      data.push(...bytes);
    }
    return off;
  };

  const nodes: TreeNode[] = [{ children: [null, null] }];
  const networks = entries
    .map((e) => ({ ...parseNetwork(e.network), data: dataIndex(e.record) }))
    .sort((a, b) => a.prefix - b.prefix);

  for (const net of networks) {
    if (net.prefix === 0) throw new Error("a /0 network has no place in the tree");
    let node = 0;
    for (let depth = 0; depth < net.prefix - 1; depth++) {
      const bit = bitAt(net.bytes, depth);
      const child = nodes[node].children[bit];
      if (child !== null && "node" in child) {
        node = child.node;
        continue;
      }
      // Empty or a less specific network's data: split it into a node whose
      // two halves keep what was there.
      nodes.push({ children: [child, child] });
      nodes[node].children[bit] = { node: nodes.length - 1 };
      node = nodes.length - 1;
    }
    nodes[node].children[bitAt(net.bytes, net.prefix - 1)] = { data: net.data };
  }

  const nodeCount = nodes.length;
  const recordValue = (ref: Ref): number => {
    if (ref === null) return nodeCount;
    if ("node" in ref) return ref.node;
    return nodeCount + 16 + ref.data;
  };
  const tree: number[] = [];
  for (const n of nodes) {
    for (const ref of n.children) {
      const v = recordValue(ref);
      if (v > MAX_RECORD) throw new Error("database too large for 24-bit records");
      tree.push((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
    }
  }

  const metadata = encodeValue({
    node_count: new Uint(32, nodeCount),
    record_size: new Uint(16, RECORD_SIZE),
    ip_version: new Uint(16, 6),
    database_type: options.databaseType ?? "Aurea-Test",
    languages: options.languages ?? ["en"],
    binary_format_major_version: new Uint(16, 2),
    binary_format_minor_version: new Uint(16, 0),
    build_epoch: new Uint(64, options.buildEpoch ?? 1_700_000_000),
    description: options.description ?? { en: "Aurea test fixture" },
  });

  return new Uint8Array([...tree, ...Array(16).fill(0), ...data, ...METADATA_MARKER, ...metadata]);
}

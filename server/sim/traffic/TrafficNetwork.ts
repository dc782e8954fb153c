import type { CityModel, RoadClass } from '../../city/CityModel.ts';

/** Turn of a movement, seen from the driver. */
export const Turn = { straight: 0, right: 1, left: 2, uTurn: 3 } as const;
export type Turn = (typeof Turn)[keyof typeof Turn];

/** Priority of a road class at unsignalised junctions: higher goes first. */
const CLASS_RANK: Record<RoadClass, number> = { expressway: 3, arterial: 2, collector: 1, local: 0 };
/** Lane width, metres (drawing only). */
export const LANE_WIDTH = 3.5;
const TWO_PI = 2 * Math.PI;

/**
 * The city's road network flattened into typed arrays for the traffic engine: links with their
 * lanes and centre-line geometry, nodes with their priority, and the turning movements allowed from
 * each link: the city's list when it has one (an imported SUMO network's connections), else every
 * link leaving a link's end node, with lanes by the turn's geometry. Lanes of link k are `laneStart[k] … laneStart[k] + lanes[k] - 1`; lane 0 of a link is
 * the kerb lane (rightmost), the last its leftmost. Built once per city and shared by its runs
 * (it is never changed by a run).
 */
export class TrafficNetwork {
  readonly nodeCount: number;
  readonly linkCount: number;
  readonly laneCount: number;
  readonly nodeIds: string[];
  readonly linkIds: string[];
  readonly linkNames: string[];
  readonly linkClasses: RoadClass[];
  readonly nodeIndex = new Map<string, number>();
  readonly linkIndex = new Map<string, number>();
  readonly nodeX: Float64Array;
  readonly nodeY: Float64Array;
  readonly signalised: Uint8Array;
  /** Highest class rank among a node's incoming links. */
  readonly nodeTopRank: Uint8Array;

  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly length: Float64Array;
  readonly lanes: Uint8Array;
  /** Speed limit, m/s. */
  readonly freeSpeed: Float32Array;
  /** Free-flow travel time of each link at its speed limit, seconds (no signal delays): shared, never changed. */
  readonly freeTime: Float32Array;
  readonly capacityVph: Float32Array;
  readonly rank: Uint8Array;
  /** The opposite link between the same nodes, or -1. */
  readonly reverse: Int32Array;
  readonly laneStart: Int32Array;
  /** Link of each lane. */
  readonly laneLink: Int32Array;
  /** District index of each link's midpoint (-1 outside every district). */
  readonly linkDistrict: Int16Array;
  readonly districtIds: string[];

  /** Outgoing links of node n: outLinks[outStart[n] … outStart[n + 1] - 1]. */
  readonly outStart: Int32Array;
  readonly outLinks: Int32Array;
  /** Incoming links of node n: inLinks[inStart[n] … inStart[n + 1] - 1]. */
  readonly inStart: Int32Array;
  readonly inLinks: Int32Array;

  /** Geometry: points of link k are pointX/Y[pointStart[k] … pointStart[k + 1] - 1]. */
  readonly pointStart: Int32Array;
  readonly pointX: Float64Array;
  readonly pointY: Float64Array;
  /** Distance of each point along its link from the link's first point. */
  readonly pointDist: Float64Array;
  /** Heading of the segment starting at each point, radians clockwise from north. */
  readonly segHeading: Float32Array;
  /** Sideways offset of lane 0's centre from the link's centre line, to the right, metres. */
  readonly kerbOffset: Float32Array;

  /** True when the city lists its turning movements (CityModel roads.movements): no others exist. */
  readonly hasMovements: boolean;
  /**
   * The listed movements from link k go into moveTo[moveStart[k] … moveStart[k + 1] - 1], each left
   * from lanes moveLaneLo … moveLaneHi of k (lane numbers within k). Empty without a list.
   */
  readonly moveStart: Int32Array;
  readonly moveTo: Int32Array;
  readonly moveLaneLo: Uint8Array;
  readonly moveLaneHi: Uint8Array;
  /** The listed movements into link k come from moveFrom[moveInStart[k] … moveInStart[k + 1] - 1]. Empty without a list. */
  readonly moveInStart: Int32Array;
  readonly moveFrom: Int32Array;

  constructor(city: CityModel) {
    const { nodes, links } = city.roads;
    this.nodeCount = nodes.length;
    this.linkCount = links.length;
    this.nodeIds = nodes.map((n) => n.id);
    this.linkIds = links.map((l) => l.id);
    this.linkNames = links.map((l) => l.name);
    this.linkClasses = links.map((l) => l.class);
    nodes.forEach((n, k) => this.nodeIndex.set(n.id, k));
    this.nodeX = Float64Array.from(nodes, (n) => n.x);
    this.nodeY = Float64Array.from(nodes, (n) => n.y);
    this.signalised = Uint8Array.from(nodes, (n) => (n.signalised ? 1 : 0));
    this.nodeTopRank = new Uint8Array(nodes.length);

    const n = links.length;
    this.from = new Int32Array(n);
    this.to = new Int32Array(n);
    this.length = new Float64Array(n);
    this.lanes = new Uint8Array(n);
    this.freeSpeed = new Float32Array(n);
    this.capacityVph = new Float32Array(n);
    this.rank = new Uint8Array(n);
    this.reverse = new Int32Array(n).fill(-1);
    this.laneStart = new Int32Array(n + 1);
    this.linkDistrict = new Int16Array(n).fill(-1);
    this.pointStart = new Int32Array(n + 1);
    this.kerbOffset = new Float32Array(n);
    let points = 0;
    for (const l of links) points += l.geometry.length;
    this.pointX = new Float64Array(points);
    this.pointY = new Float64Array(points);
    this.pointDist = new Float64Array(points);
    this.segHeading = new Float32Array(points);

    const byEnds = new Map<string, number>();
    let p = 0;
    let lane = 0;
    links.forEach((l, k) => {
      const a = this.nodeIndex.get(l.from);
      const b = this.nodeIndex.get(l.to);
      if (a === undefined || b === undefined) throw new Error(`TrafficNetwork: link ${l.id} joins unknown node ${a === undefined ? l.from : l.to}`);
      this.linkIndex.set(l.id, k);
      this.from[k] = a;
      this.to[k] = b;
      this.lanes[k] = Math.min(l.lanes, 8);
      this.freeSpeed[k] = l.speedLimitKmh / 3.6;
      this.capacityVph[k] = l.capacityVph;
      this.rank[k] = CLASS_RANK[l.class];
      this.nodeTopRank[b] = Math.max(this.nodeTopRank[b], this.rank[k]);
      const reverse = byEnds.get(`${l.to}>${l.from}`);
      if (reverse !== undefined) {
        this.reverse[k] = reverse;
        this.reverse[reverse] = k;
      }
      byEnds.set(`${l.from}>${l.to}`, k);
      this.laneStart[k] = lane;
      lane += this.lanes[k];
      this.pointStart[k] = p;
      let dist = 0;
      l.geometry.forEach(([x, y], i) => {
        if (i > 0) dist += Math.hypot(x - this.pointX[p - 1], y - this.pointY[p - 1]);
        this.pointX[p] = x;
        this.pointY[p] = y;
        this.pointDist[p] = dist;
        p++;
      });
      for (let i = this.pointStart[k]; i < p - 1; i++) {
        let h = Math.atan2(this.pointX[i + 1] - this.pointX[i], this.pointY[i + 1] - this.pointY[i]);
        if (h < 0) h += TWO_PI;
        this.segHeading[i] = Math.fround(h) >= TWO_PI ? 0 : h;
      }
      this.segHeading[p - 1] = this.segHeading[Math.max(p - 2, this.pointStart[k])];
      this.length[k] = Math.max(dist, 1);
    });
    this.pointStart[n] = p;
    this.freeTime = Float32Array.from(this.length, (len, k) => len / this.freeSpeed[k]);
    this.laneStart[n] = lane;
    this.laneCount = lane;
    this.laneLink = new Int32Array(lane);
    for (let k = 0; k < n; k++) {
      for (let j = this.laneStart[k]; j < this.laneStart[k + 1]; j++) this.laneLink[j] = k;
      // Lane j's centre lies kerbOffset - j·LANE_WIDTH to the right of the centre line. Two-way
      // streets share a centre line, so each direction keeps right of it (and of a 1 m median);
      // one-way streets are centred on it.
      const top = this.lanes[k] - 1;
      this.kerbOffset[k] = this.reverse[k] >= 0 ? 0.5 + LANE_WIDTH * (top + 0.5) : LANE_WIDTH * top * 0.5;
    }

    [this.outStart, this.outLinks] = adjacency(this.nodeCount, this.from);
    [this.inStart, this.inLinks] = adjacency(this.nodeCount, this.to);

    const movements = city.roads.movements;
    this.hasMovements = movements !== undefined;
    this.moveStart = new Int32Array(this.hasMovements ? n + 1 : 0);
    this.moveTo = new Int32Array(movements?.length ?? 0);
    this.moveLaneLo = new Uint8Array(this.moveTo.length);
    this.moveLaneHi = new Uint8Array(this.moveTo.length);
    const moveFrom = new Int32Array(this.moveTo.length);
    if (movements) {
      const byFrom = movements.map((m) => {
        const a = this.linkIndex.get(m.from);
        const b = this.linkIndex.get(m.to);
        if (a === undefined || b === undefined) throw new Error(`TrafficNetwork: movement ${m.from} → ${m.to} joins unknown link ${a === undefined ? m.from : m.to}`);
        return { a, b, lo: Math.min(...m.fromLanes), hi: Math.min(Math.max(...m.fromLanes), this.lanes[a] - 1) };
      });
      byFrom.sort((x, y) => x.a - y.a || x.b - y.b);
      byFrom.forEach((m, j) => {
        this.moveStart[m.a + 1] = j + 1;
        this.moveTo[j] = m.b;
        moveFrom[j] = m.a;
        this.moveLaneLo[j] = Math.min(m.lo, m.hi);
        this.moveLaneHi[j] = m.hi;
      });
      for (let k = 0; k < n; k++) this.moveStart[k + 1] = Math.max(this.moveStart[k + 1], this.moveStart[k]);
    }
    const [inStart, inMoves] = this.hasMovements ? adjacency(n, this.moveTo) : [new Int32Array(0), new Int32Array(0)];
    this.moveInStart = inStart;
    this.moveFrom = inMoves.map((j) => moveFrom[j]);

    this.districtIds = city.districts.map((d) => d.id);
    const { grid } = city;
    const districtOfCell = new Map<string, number>();
    for (const c of grid.cells) districtOfCell.set(`${c.col},${c.row}`, this.districtIds.indexOf(c.district));
    for (let k = 0; k < n; k++) {
      const [mx, my] = this.pointAt(k, this.length[k] / 2);
      const col = Math.floor((mx - grid.originX) / grid.cellSize);
      const row = Math.floor((my - grid.originY) / grid.cellSize);
      this.linkDistrict[k] = districtOfCell.get(`${col},${row}`) ?? -1;
    }
  }

  /** Heading at the end of link k (into its end node). */
  endHeading(k: number): number {
    return this.segHeading[Math.max(this.pointStart[k + 1] - 2, this.pointStart[k])];
  }

  /** Heading at the start of link k. */
  startHeading(k: number): number {
    return this.segHeading[this.pointStart[k]];
  }

  /** The turn from link a into link b (b must start where a ends). */
  turn(a: number, b: number): Turn {
    if (this.reverse[a] === b) return Turn.uTurn;
    let d = this.startHeading(b) - this.endHeading(a);
    while (d > Math.PI) d -= TWO_PI;
    while (d <= -Math.PI) d += TWO_PI;
    if (Math.abs(d) > (150 * Math.PI) / 180) return Turn.uTurn;
    if (d > Math.PI / 4) return Turn.right;
    if (d < -Math.PI / 4) return Turn.left;
    return Turn.straight;
  }

  /** The listed movement from link a into link b (an index into moveTo), or -1 when the city lists none such. */
  movement(a: number, b: number): number {
    for (let j = this.moveStart[a]; j < this.moveStart[a + 1]; j++) if (this.moveTo[j] === b) return j;
    return -1;
  }

  /** Whether a vehicle may turn from link a into link b (b must start where a ends). */
  allows(a: number, b: number): boolean {
    return !this.hasMovements || this.movement(a, b) >= 0;
  }

  /**
   * Lanes of link a a vehicle may leave from to turn into link b: [first, last] as lane numbers
   * within the link. A listed movement's lanes; otherwise (no list, or a route from a file through
   * a turn the list lacks) by the turn: right from the kerb lane, left and back from the leftmost.
   */
  allowedLanes(a: number, b: number): [number, number] {
    const j = this.hasMovements ? this.movement(a, b) : -1;
    if (j >= 0) return [this.moveLaneLo[j], this.moveLaneHi[j]];
    const top = this.lanes[a] - 1;
    const t = this.turn(a, b);
    if (t === Turn.right) return [0, 0];
    if (t === Turn.left || t === Turn.uTurn) return [top, top];
    return [0, top];
  }

  /** The lane of link b a vehicle enters when it comes from link a in lane number `fromLane`. */
  entryLane(a: number, b: number, fromLane: number): number {
    const t = this.turn(a, b);
    const top = this.lanes[b] - 1;
    if (t === Turn.right) return 0;
    if (t === Turn.left || t === Turn.uTurn) return top;
    return Math.min(fromLane, top);
  }

  /** A point [x, y] on link k's centre line `dist` metres from its start. */
  pointAt(k: number, dist: number): [number, number] {
    const last = this.pointStart[k + 1] - 2;
    let i = this.pointStart[k];
    while (i < last && this.pointDist[i + 1] <= dist) i++;
    const len = this.pointDist[i + 1] - this.pointDist[i];
    const f = len > 0 ? Math.min(1, Math.max(0, (dist - this.pointDist[i]) / len)) : 0;
    return [this.pointX[i] + (this.pointX[i + 1] - this.pointX[i]) * f, this.pointY[i] + (this.pointY[i + 1] - this.pointY[i]) * f];
  }
}

/** CSR adjacency: for each node (or link), the links (or movements) k whose `end[k]` is that node. */
function adjacency(nodeCount: number, end: Int32Array): [Int32Array, Int32Array] {
  const start = new Int32Array(nodeCount + 1);
  for (let k = 0; k < end.length; k++) start[end[k] + 1]++;
  for (let i = 0; i < nodeCount; i++) start[i + 1] += start[i];
  const list = new Int32Array(end.length);
  const fill = start.slice(0, nodeCount);
  for (let k = 0; k < end.length; k++) list[fill[end[k]]++] = k;
  return [start, list];
}

const networks = new WeakMap<CityModel, TrafficNetwork>();

/** The network of a city, built on first use and shared by every run of that city. */
export function trafficNetworkOf(city: CityModel): TrafficNetwork {
  let network = networks.get(city);
  if (!network) {
    network = new TrafficNetwork(city);
    networks.set(city, network);
  }
  return network;
}

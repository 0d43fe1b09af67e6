// Resolvers for the fields Cypher cannot answer: a centre's figures are kept
// as one JSON string property, and employees, budget and full-time persons
// are read off it the way orggraph's graph/model does.

// The stored JSON, under the field name the library projects (figuresJson)
// or, in maps a @cypher statement builds with n {.*}, the property's own name.
function figuresOf(source) {
  const raw = source.figuresJson ?? source.figures;
  if (typeof raw !== 'string' || raw === '') return [];
  return JSON.parse(raw);
}

// The first figure with the given measure, as domain.Node.Figure picks it.
function figure(source, measure) {
  return figuresOf(source).find((f) => f.measure === measure);
}

// Go's math.Round: halves away from zero.
function roundHalfAway(v) {
  return Math.sign(v) * Math.round(Math.abs(v));
}

function figureInt(source, measure) {
  const f = figure(source, measure);
  return f === undefined ? null : roundHalfAway(f.value);
}

// Danish thousands separators: 22.500.
function thousands(n) {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

// n / unit rounded half up to `places` decimals, with a decimal comma; trim
// drops a zero fraction. BigInt keeps amounts above 2^53 exact.
function decimal(n, unit, places, trim) {
  const scale = 10n ** BigInt(places);
  const scaled = (n * scale + unit / 2n) / unit;
  const whole = scaled / scale;
  const frac = scaled % scale;
  if (frac === 0n && trim) return thousands(whole);
  return `${thousands(whole)},${frac.toString().padStart(places, '0')}`;
}

// Money.display as orggraph writes it (internal/domain/money.go):
// "533 mio. kr.", "5,8 mio. kr.", "9,0 mia. kr.", "12.000 kr.".
export function displayDKK(dkk) {
  let v = BigInt(dkk);
  let sign = '';
  if (v < 0n) {
    sign = '-';
    v = -v;
  }
  if (v >= 1_000_000_000n) return `${sign}${decimal(v, 1_000_000_000n, 1, false)} mia. kr.`;
  if (v >= 1_000_000n) return `${sign}${decimal(v, 1_000_000n, 1, true)} mio. kr.`;
  return `${sign}${thousands(v)} kr.`;
}

export const resolvers = {
  Centre: {
    figures: (source) =>
      figuresOf(source).map((f) => ({
        name: f.name,
        measure: f.measure,
        value: f.value,
        unit: f.unit,
        year: f.year ?? null,
        note: f.note || null,
      })),
    employees: (source) => figureInt(source, 'employees'),
    fullTimePersons: (source) => figureInt(source, 'fullTimePersons'),
    budget: (source) => {
      const f = figure(source, 'budget');
      if (f === undefined) return null;
      const dkk = roundHalfAway(f.value);
      return { amountDKK: dkk, display: displayDKK(dkk) };
    },
  },
};

/** NLU benchmark: latency of one `recognize` call on a realistic mix, one core. */
import { KroplaRecognizer } from '../src/nlu';

const SAMPLES = [
  'ile mam do zaplaty', 'Czy mam jakieś zaległości?', 'chce podac stan licznika 1312,5', '1 312,500 m3',
  'pokaz zuzycie wody od stycznia do marca', 'nie ma wody na Mikołowskiej 12 od rana, co sie dzieje', 'pekla rura przed blokiem',
  'chce zlozyc reklamacje bo faktura FV/2026/10/004411 jest zawyzona o 245,67 zł', 'status sprawy kw 2026 000123', 'K7PM-4QX9',
  'kaloryfery zimne w calym bloku', 'kto wygral mecz gks', 'how much do i owe', 'скільки я маю заплатити за минулий місяць',
  'dzieki', 'polacz z konsultantem', 'wyslijcie mi e-fakture na maila', 'odczytyy z zeszlego rku', 'zapomnij mnie rodo',
  'naliczyliscie mi za duzo za wode to jakis absurd, 400 zl za miesiac dla dwoch osob, chce to wyjasnic i zlozyc reklamacje',
];

export async function runNluBench(): Promise<void> {
  const t0 = Date.now();
  const rec = await KroplaRecognizer.load();
  const loadMs = Date.now() - t0;
  for (let i = 0; i < 200; i++) rec.recognize(SAMPLES[i % SAMPLES.length]);
  const times: number[] = [];
  const N = 4000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    // vary the text so caches (typo corrections) do not flatter the figure
    const text = i % 5 === 0 ? `${SAMPLES[i % SAMPLES.length]} ${i}` : i % 7 === 0 ? `${SAMPLES[i % SAMPLES.length]} qwz${i}` : SAMPLES[i % SAMPLES.length];
    const a = process.hrtime.bigint();
    rec.recognize(text);
    times.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
  times.sort((x, y) => x - y);
  const q = (p: number): number => Math.round(times[Math.min(times.length - 1, Math.floor(times.length * p))] * 1000) / 1000;
  console.log(JSON.stringify({ bench: 'nlu.classify', n: N, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1), per_sec_one_core: Math.round((N / totalMs) * 1000), load_ms: loadMs }));
}

if (require.main === module) {
  runNluBench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

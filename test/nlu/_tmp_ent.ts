import { extractEntities } from '../../src/nlu/entities';
const today = new Date(Date.UTC(2026, 5, 15));
for (const t of ['stan 1312,5', '1 312,500 m3', '1312.5', 'licznik 1312 m³', 'zaplacilem 245,67 zł', '245.67 PLN', 'FV/2026/10/004411', 'nr klienta 100234', 'kw 2026 000123', 'KW/2026/000123', 'k7pm-4qx9', 'K7PM4QX9', 'zaplacic', 'za ostatni rok', 'od stycznia do marca', 'w październiku', 'zeszły miesiąc', 'ostatnie pół roku', '2025', 'od 1.03.2026 do 31.05.2026', 'w tym roku', 'ostatnie 3 miesiące', 'last year', 'from January to March', 'за минулий місяць', 'na Mikołowskiej 12', 'przy ul. 3 Maja 5', 'Kosciuszki 30a', 'awaria na mikolowskiej', 'karta bankowa', 'od listopada do lutego', 'Mikolowskej 12/3'])
  console.log(t, JSON.stringify(extractEntities(t, 'pl', today)));

/** What the OCR of one meter photo saw. */
export interface MeterRead {
  /** A counter window (row of drums) was found. */
  found: boolean;
  /** The black m³ drums as digits ("00123"), null when some could not be read. */
  cubicMetres: string | null;
  /** The red litre drums ("456"), null when there are none (pointer dials) or they could not be read. */
  litres: string | null;
  /** What was seen, for telling the customer ("00123,4?6"); `?` for a drum that could not be read. */
  seen: string;
  /** Every digit read with good confidence and the drum count is a meter's. */
  certain: boolean;
  /** Some drum stood between two digits (counted as the lower one). */
  halfTurned: boolean;
  angleDeg: number;
  millis: number;
}

//! Small pure helpers of the two register sections (处方登记, 麻黄碱登记), tested in
//! `registers.test.ts`.

/** The first day of the month of `day` (`YYYY-MM-DD`): a register opens on this month. */
export function monthStart(day: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day.slice(0, 8)}01` : day;
}

/** Pages of `size` rows for `total` rows (at least 1 when there are rows). */
export function pageCount(total: number, size: number): number {
  return size > 0 ? Math.ceil(total / size) : 0;
}

/** 男 / 女 and the age, as a register row shows the patient: `女 34 岁`. */
export function patientLine(sex: 'male' | 'female' | null, age: number | null, labels: { male: string; female: string; years: string }): string {
  const parts: string[] = [];
  if (sex) parts.push(sex === 'male' ? labels.male : labels.female);
  if (age !== null) parts.push(labels.years.replace('{n}', String(age)));
  return parts.join(' ');
}

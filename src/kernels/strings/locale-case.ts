/**
 * Case mapping for a POSIX-style locale name ('en_US', 'tr_TR.UTF-8', 'C'). ONNX models carry
 * POSIX names while JavaScript speaks BCP 47, so the name is translated; a locale the engine's
 * Intl data lacks falls back to the locale-independent Unicode mapping rather than failing,
 * since the spec leaves the locale's effect to the platform.
 */
import { KernelInputError } from '../../errors/errors.js';

export interface CaseMapper {
  readonly lower: (s: string) => string;
  readonly upper: (s: string) => string;
}

const INDEPENDENT: CaseMapper = { lower: (s) => s.toLowerCase(), upper: (s) => s.toUpperCase() };

/** 'en_US.UTF-8@euro' -> 'en-US'; undefined for the C/POSIX locales, which have no language. */
function bcp47Of(posix: string): string | undefined {
  const base = posix.split(/[.@]/)[0];
  if (base === '' || base === 'C' || base === 'POSIX') return undefined;
  return base.replace(/_/g, '-');
}

export function caseMapper(locale: string | undefined): CaseMapper {
  if (locale === undefined) return INDEPENDENT;
  const tag = bcp47Of(locale);
  if (tag === undefined) return INDEPENDENT;
  let canonical: string;
  try {
    canonical = Intl.getCanonicalLocales(tag)[0];
  } catch {
    throw new KernelInputError(`attribute 'locale' '${locale}' is not a locale name`);
  }
  if (Intl.Collator.supportedLocalesOf([canonical]).length === 0) return INDEPENDENT;
  return { lower: (s) => s.toLocaleLowerCase(canonical), upper: (s) => s.toLocaleUpperCase(canonical) };
}

/**
 * The DejaVu fonts (npm package `dejavu-fonts-ttf`) used by every document and chart, so that
 * Polish and Ukrainian letters (ąćęłńóśźż, ґєії) render the same on any server, with nothing
 * taken from the operating system.
 */

/** Family name under which the fonts are registered for charts. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Paths of the TrueType files. */
export const FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;

// Which professional field a post's category belongs to: configuration, compared regardless of case and
// surrounding white space, with a default that knows the usual names in English and Chinese.
import {
  categoryFieldsProblem,
  DEFAULT_CATEGORY_FIELDS,
  fieldOfCategory,
  parseCategoryFields,
} from '../../../src/professional/categories';

const defaults = parseCategoryFields(DEFAULT_CATEGORY_FIELDS);

it('the default mapping is valid and covers the four fields', () => {
  expect(categoryFieldsProblem(DEFAULT_CATEGORY_FIELDS)).toBeUndefined();
  expect(new Set(defaults.values())).toEqual(new Set(['FINANCE', 'EDUCATION', 'MEDICAL', 'LAW']));
});

it.each([
  ['finance', 'FINANCE'],
  ['Finance', 'FINANCE'],
  [' HEALTH ', 'MEDICAL'],
  ['医疗', 'MEDICAL'],
  ['财经', 'FINANCE'],
  ['Legal', 'LAW'],
  ['education', 'EDUCATION'],
])('by default, the category %p belongs to %s', (category, field) => {
  expect(fieldOfCategory(category, defaults)).toBe(field);
});

it.each([['travel'], ['technology'], [''], [null]])('the category %p belongs to no field', (category) => {
  expect(fieldOfCategory(category, defaults)).toBeNull();
});

it('a configured mapping replaces the default, and is compared regardless of case', () => {
  const fields = parseCategoryFields(' Stocks = FINANCE ,kids=EDUCATION');
  expect(fieldOfCategory('STOCKS', fields)).toBe('FINANCE');
  expect(fieldOfCategory('Kids', fields)).toBe('EDUCATION');
  expect(fieldOfCategory('finance', fields)).toBeNull();
});

it.each([
  ['stocks', 'entry 1 of 1 is not category=FIELD'],
  ['stocks=FINANCE=LAW', 'entry 1 of 1 is not category=FIELD'],
  ['=FINANCE', 'entry 1 of 1 names no category'],
  ['a=FINANCE,b=finance', 'entry 2 of 2 names no field: use FINANCE, EDUCATION, MEDICAL, LAW'],
  ['a=FINANCE,A=LAW', 'entry 2 of 2 maps a category to a second field'],
  ['a=FINANCE,', 'entry 2 of 2 is not category=FIELD'],
])('%p is refused: %s', (setting, problem) => {
  expect(categoryFieldsProblem(setting)).toBe(problem);
});

it('the same category twice to the same field is fine', () => {
  expect(categoryFieldsProblem('law=LAW,LAW=LAW')).toBeUndefined();
});

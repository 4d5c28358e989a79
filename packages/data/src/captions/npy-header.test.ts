import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { parseNpyHeader } from './npy-header.js';

checkLeaksAfterEachTest();

const parse = (header: string) => parseNpyHeader(header, 'x.npy');

describe('parseNpyHeader', () => {
  it("reads NumPy's dict, padding and all", () => {
    const header = `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }${' '.repeat(50)}\n`;
    expect(parse(header)).toEqual({ descr: '<f4', fortranOrder: false, shape: [3, 4] });
  });

  it('reads any key order, double quotes, no trailing comma, Python 2 longs, 1-tuples, ()', () => {
    expect(parse('{"shape": (3L, 4L), "fortran_order": True, "descr": "<f8"}')).toEqual({
      descr: '<f8',
      fortranOrder: true,
      shape: [3, 4],
    });
    expect(parse("{'descr': '<f4', 'fortran_order': False, 'shape': (7,)}").shape).toEqual([7]);
    expect(parse("{'descr': '<f4', 'fortran_order': False, 'shape': ()}").shape).toEqual([]);
  });

  it.each([
    ["{'descr': '<f4', 'fortran_order': False}", "has no 'shape' key"],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
      "has an unexpected key 'x'",
    ],
    ["{'descr': '<f4', 'descr': '<f4'}", "key 'descr' twice at offset 17"],
    [
      "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}",
      'describes a structured dtype, not supported',
    ],
    [
      "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}",
      "has a 'fortran_order' that is not a boolean",
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3)}",
      "has a 'shape' that is not a tuple of non-negative integers",
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2)}",
      "has a 'shape' that is not a tuple of non-negative integers",
    ],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2 3)}",
      "expected ',' or ')' at offset 53",
    ],
    ["{'descr': '<f4 , 'fortran_order': False}", "expected ',' or '}' at offset 18"],
    ["{'descr': '<f4}", 'unterminated string at offset 10'],
    ["{'descr' '<f4'}", "expected ':' at offset 9"],
    ["{'descr': __import__('os').system('x')}", 'expected a value at offset 10'],
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': ()} junk",
      'unexpected text after the dictionary at offset 54',
    ],
    ["('<f4', False, ())", 'is not a dictionary'],
    ['{1: 2}', 'a key that is not a string at offset 1'],
  ])('refuses %s: %s', (header, why) => {
    expect(() => parse(header)).toThrow(expect.objectContaining({ code: 'format', path: 'x.npy' }));
    expect(() => parse(header)).toThrow(`x.npy: .npy header ${why}`);
  });
});

// @vitest-environment happy-dom
// The schema form as a person uses it (rendered by React into happy-dom, driven through its labels): one field per
// property, typed values back on submit, and a refusal that says which field is wrong instead of submitting.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaForm } from './SchemaForm';

afterEach(cleanup);

const schema = z.toJSONSchema(
  z.object({
    query: z.string().min(2).describe('What to look for'),
    limit: z.number().int().positive().max(100).optional(),
    exact: z.boolean().optional(),
    order: z.enum(['newest', 'oldest']),
  }),
);

function renderForm() {
  const submitted: Array<Record<string, unknown>> = [];
  render(<SchemaForm schema={schema} submitLabel="Search" onSubmit={(args) => submitted.push(args)} />);
  const field = (name: string) => screen.getByLabelText(new RegExp(`^${name}`)) as HTMLInputElement;
  const submit = () => fireEvent.click(screen.getByRole('button', { name: 'Search' }));
  return { submitted, field, submit };
}

describe('SchemaForm in the page', () => {
  it('shows one labelled field per property, with its kind and its description', () => {
    const { field } = renderForm();
    expect(field('query').type).toBe('text');
    expect(field('limit').type).toBe('number');
    expect(field('exact').type).toBe('checkbox');
    expect(field('order').tagName).toBe('SELECT');
    expect(screen.getByText('What to look for')).toBeTruthy();
  });

  it('submits the values typed as the schema says: numbers as numbers, booleans, the chosen enum; empty optionals left out', () => {
    const { submitted, field, submit } = renderForm();
    fireEvent.change(field('query'), { target: { value: 'skills' } });
    fireEvent.change(field('limit'), { target: { value: '20' } });
    fireEvent.click(field('exact'));
    fireEvent.change(field('order'), { target: { value: 'oldest' } });
    submit();
    expect(submitted).toEqual([{ query: 'skills', limit: 20, exact: true, order: 'oldest' }]);

    fireEvent.change(field('limit'), { target: { value: '' } });
    submit();
    expect(submitted[1]).not.toHaveProperty('limit');
  });

  it('refuses a value outside its constraints, names the field, and does not submit', () => {
    const { submitted, field, submit } = renderForm();
    fireEvent.change(field('query'), { target: { value: 'skills' } });
    fireEvent.change(field('limit'), { target: { value: '1000' } });
    submit();
    expect(submitted).toEqual([]);
    expect(screen.getByRole('alert').textContent).toMatch(/limit[^]*at most 100/);
  });
});

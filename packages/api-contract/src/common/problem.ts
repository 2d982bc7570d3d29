import { z } from 'zod';

/** One located problem of a request, e.g. `{ path: 'Value.Subnets', message: '...' }`. */
export const FieldProblemSchema = z.object({ path: z.string(), message: z.string() }).meta({ id: 'FieldProblem' });

/** RFC 9457 problem details, with EM's stable `code` (listed in docs/problems.md). */
export const ProblemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'a URI reference naming the problem type, `/problems/<code>`' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ description: 'stable, kebab-case; clients switch on it' }),
    requestId: z.string(),
    errors: z.array(FieldProblemSchema).optional(),
  })
  .meta({ id: 'Problem' });
export type Problem = z.infer<typeof ProblemSchema>;

// Process configuration from the environment, validated once at start-up.
import { z } from 'zod';

const EnvSchema = z.object({
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  OVERDUE_DATA_DIR: z.string().min(1).default('./data'),
  OVERDUE_TIME_ZONE: z.string().min(1).default('Asia/Shanghai'),
  OVERDUE_LOCALE: z.enum(['zh-CN', 'zh-TW', 'en']).default('zh-CN'),
  OVERDUE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
});

export type Config = z.infer<typeof EnvSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, publicUrl } from './config.ts';

describe('configuration', () => {
  it('has working defaults for a laptop', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 3000,
      DATA_DIR: './data',
      LOG_LEVEL: 'info',
      ROLES: ['web', 'worker'],
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(publicUrl(config)).toBe('http://127.0.0.1:3000');
  });

  it('reports every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        SECRET_KEY: 'short',
        ROLES: 'web,cook',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'SECRET_KEY', 'ROLES'])
      expect(problems).toContain(name);
  });

  it('uses PUBLIC_URL for links when set', () => {
    expect(publicUrl(loadConfig({ PUBLIC_URL: 'https://help.example.com/' }))).toBe(
      'https://help.example.com',
    );
  });
});

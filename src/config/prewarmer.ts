// Starts the apps listed in `mcpPool.prewarm` each time the settings are applied (a running app
// is left as it is), so even the first command is warm.
import { Disposable } from '../common/lifecycle';
import type { Channel } from '../output/outputs';
import type { Pool } from '../pool';
import type { ConfigStateSource } from './poolConfigurator';

export class Prewarmer extends Disposable {
  constructor(
    private readonly pool: Pool,
    config: ConfigStateSource,
    private readonly log: Channel,
  ) {
    super();
    this._register(config.onDidApply((state) => state.prewarm.forEach((name) => void this.warm(name))));
  }

  private async warm(name: string): Promise<void> {
    const wasRunning = this.pool.snapshot(name)?.pid !== undefined;
    try {
      await this.pool.warm(name);
      if (!wasRunning) this.log.info(`${name}: prewarmed`);
    } catch (e) {
      this.log.warn(`${name}: prewarm failed: ${(e as Error).message}`);
    }
  }
}

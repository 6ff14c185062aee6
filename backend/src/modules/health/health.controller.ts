import { Controller, Get } from '@nestjs/common';
import { Public } from '../auth/auth.decorators.js';
import { type HealthReport, HealthService } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  check(): Promise<HealthReport> {
    return this.health.check();
  }
}

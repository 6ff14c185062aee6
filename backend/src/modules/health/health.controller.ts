import { Controller } from '@nestjs/common';
import { api, type EndpointResponse } from '../../contract/index.js';
import { Endpoint } from '../../common/endpoint.decorator.js';
import { HealthService } from './health.service.js';

@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Endpoint(api.health.check)
  check(): Promise<EndpointResponse<typeof api.health.check>> {
    return this.health.check();
  }
}

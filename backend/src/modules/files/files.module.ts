import { Module } from '@nestjs/common';
import { FileRepository } from './file.repository.js';
import { FilesController } from './files.controller.js';
import { FilesService } from './files.service.js';

@Module({
  controllers: [FilesController],
  providers: [FileRepository, FilesService],
  exports: [FilesService],
})
export class FilesModule {}

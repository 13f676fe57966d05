import type { Command } from "commander";
import { addModelsAliasCommand } from "./models-alias-command.js";
import { addModelsCompileCommand } from "./models-compile-command.js";
import { addModelsDescribeCommand } from "./models-describe-command.js";
import { addModelsListCommand } from "./models-list-command.js";
import { addModelsPredictCommand } from "./models-predict-command.js";
import { addModelsRegisterCommand } from "./models-register-command.js";
import { addModelsStageCommand } from "./models-stage-command.js";

export function addModelsCommand(program: Command): void {
  const models = program.command("models").description("register, describe and promote model versions");
  addModelsRegisterCommand(models);
  addModelsListCommand(models);
  addModelsDescribeCommand(models);
  addModelsAliasCommand(models);
  addModelsStageCommand(models);
  addModelsPredictCommand(models);
  addModelsCompileCommand(models);
}

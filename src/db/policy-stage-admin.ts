// Adding and removing policy stages. A stage in force is history: it is never removed, only superseded.
import type { DataSource } from 'typeorm';
import { stageIsInForce } from '../policy/disclosure';
import type { PolicyStage } from '../policy/types';
import { PolicyStagesTable } from './tables';

export class PolicyAdminError extends Error {
  override name = 'PolicyAdminError';
}

export type NewPolicyStage = Omit<PolicyStage, 'id'>;

export async function addStage(dataSource: DataSource, stage: NewPolicyStage): Promise<PolicyStage> {
  const repository = dataSource.getRepository(PolicyStagesTable);
  if (await repository.exists({ where: { name: stage.name } })) {
    throw new PolicyAdminError(`a stage named "${stage.name}" already exists`);
  }
  const categories = stage.categories === null || stage.categories.length === 0 ? null : stage.categories;
  return repository.save({ ...stage, categories });
}

export async function removeStage(dataSource: DataSource, name: string, now: Date): Promise<void> {
  const repository = dataSource.getRepository(PolicyStagesTable);
  const stage = await repository.findOne({ where: { name } });
  if (stage === null) throw new PolicyAdminError(`there is no stage named "${name}"`);
  if (stageIsInForce(stage, now)) {
    throw new PolicyAdminError(
      `stage "${name}" is in force since ${stage.effectiveFrom.toISOString()} and stays as history: ` +
        'add a new stage to change the policy from a later date',
    );
  }
  await repository.delete({ id: stage.id });
}

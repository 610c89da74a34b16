// Every migration, in order. Listed by hand so that the compiled server and the tests load the same set.
import { CreateAccounts1795590000000 } from './1795590000000-create-accounts';
import { CreatePolicyStages1795590000001 } from './1795590000001-create-policy-stages';
import { SeedDefaultPolicy1795590000002 } from './1795590000002-seed-default-policy';
import { CreateAuditAndOutbox1795590000003 } from './1795590000003-create-audit-and-outbox';
import { AddNotifiedStage1795590000004 } from './1795590000004-add-notified-stage';
import { AddStageRetirement1795590000010 } from './1795590000010-add-stage-retirement';
import { AddAuditStage1795590000011 } from './1795590000011-add-audit-stage';
import { CreatePolicyChanges1795590000012 } from './1795590000012-create-policy-changes';
import { CreateIpLocations1795590000020 } from './1795590000020-create-ip-locations';
import { AddEncryptedRealName1795590000030 } from './1795590000030-add-encrypted-real-name';
import { Utf8mb4Everywhere1795590000040 } from './1795590000040-utf8mb4-everywhere';
import { CreateErasures1795590000050 } from './1795590000050-create-erasures';
import { CreateProfessionalLabels1795590000070 } from './1795590000070-create-professional-labels';
import { CreateEventTables1795590000080 } from './1795590000080-create-event-tables';
import { CreateProfessionalFactTimes1795590000090 } from './1795590000090-create-professional-fact-times';
import { AddDeadlineAnnounced1795590000100 } from './1795590000100-add-deadline-announced';
import { FactTimesInAccounts1795590000110 } from './1795590000110-fact-times-in-accounts';
import { BinaryEventKeys1795590000120 } from './1795590000120-binary-event-keys';

export const migrations = [
  CreateAccounts1795590000000,
  CreatePolicyStages1795590000001,
  SeedDefaultPolicy1795590000002,
  CreateAuditAndOutbox1795590000003,
  AddNotifiedStage1795590000004,
  AddStageRetirement1795590000010,
  AddAuditStage1795590000011,
  CreatePolicyChanges1795590000012,
  CreateIpLocations1795590000020,
  AddEncryptedRealName1795590000030,
  Utf8mb4Everywhere1795590000040,
  CreateErasures1795590000050,
  CreateProfessionalLabels1795590000070,
  CreateEventTables1795590000080,
  CreateProfessionalFactTimes1795590000090,
  AddDeadlineAnnounced1795590000100,
  FactTimesInAccounts1795590000110,
  BinaryEventKeys1795590000120,
];

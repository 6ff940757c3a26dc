// Every automated check of the maintenance plan, in the order the plan lists them.
import type { PlanCheck } from '../types';
import { appHealth } from './app-health';
import { errorRate } from './error-rate';
import { diskSpace } from './disk-space';
import { resources } from './resources';
import { mongoStatus } from './mongo-status';
import { backupsOnTime } from './backups';
import { tlsCertificate } from './tls-cert';
import { dbValidate } from './db-validate';
import { dbAdvice } from './db-advice';

export const PLAN_CHECKS: readonly PlanCheck[] = [appHealth, errorRate, diskSpace, resources, mongoStatus, backupsOnTime, tlsCertificate, dbValidate, dbAdvice];

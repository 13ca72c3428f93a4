export { planWorkflow } from './plan-workflow';
export { reminderWorkflow } from './reminder-workflow';

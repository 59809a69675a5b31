/**
 * Worker-thread side of `bpusim study` (run by piscina): one task of the study, its result as
 * plain data (the study assembles results in task order, whichever worker ran which).
 */
import { runStudyTask, type StudyTask, type StudyTaskResult } from './study-tasks.js';

export default function runTask(task: StudyTask): StudyTaskResult {
  return runStudyTask(task);
}

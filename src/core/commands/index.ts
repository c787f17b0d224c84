import type { AnyCommand } from "../command.js";
import { help } from "./help.js";
import { join, profile, resume, snooze } from "./membership.js";
import { goalAdd, goalCarry, goalDone, goalEdit, goalList, goalRemove, goalUndo } from "./goals.js";
import { members } from "./directory.js";
import { targetAdd, targetList, targetRemove, targetStage } from "./targets.js";
import { networkAdd, networkList, networkRemove, who } from "./network.js";
import { introAccept, introDecline, introList, introOutcome, introRequest, introWithdraw } from "./intros.js";
import { log, thanks, win } from "./ledger.js";
import { exportData, forgetMe } from "./personal-data.js";
import { config, digestPreview } from "./config.js";
import { dashboard } from "./dashboard.js";

/** Every command, in the order help lists them. */
export const allCommands: readonly AnyCommand[] = [
  help,
  join,
  profile,
  members,
  goalAdd,
  goalList,
  goalDone,
  goalUndo,
  goalEdit,
  goalRemove,
  goalCarry,
  targetAdd,
  targetList,
  targetStage,
  targetRemove,
  networkAdd,
  networkList,
  networkRemove,
  who,
  introRequest,
  introAccept,
  introDecline,
  introWithdraw,
  introOutcome,
  introList,
  log,
  win,
  thanks,
  snooze,
  resume,
  exportData,
  forgetMe,
  config,
  digestPreview,
  dashboard,
];

import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { DynamoDbKitError } from './private/errors';
import { validateRange, validateTimeOfDay, validateWeekDay } from './private/validation';

/**
 * A day of the week, for a weekly backup.
 */
export enum BackupWeekDay {
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
  SUNDAY = 'SUN',
}

/**
 * A time of day in UTC.
 */
export interface BackupTimeOfDay {
  /**
   * The hour, 0-23, UTC.
   *
   * @default 5
   */
  readonly hour?: number;

  /**
   * The minute, 0-59.
   *
   * @default 0
   */
  readonly minute?: number;
}

/**
 * When AWS Backup backs up the tables. Each schedule knows its interval, so that a retention
 * shorter than the time between two backups is refused.
 */
export class BackupSchedule {
  /**
   * Every day at the given time (UTC).
   */
  public static daily(time: BackupTimeOfDay = {}): BackupSchedule {
    validateTimeOfDay('time', time);
    const { hour, minute } = timeOfDay(time);
    return new BackupSchedule('Daily', events.Schedule.cron({ hour, minute }), Duration.days(1));
  }

  /**
   * Every `hours` hours, at the given minute. AWS Backup runs a rule at most once an hour.
   *
   * @param hours 1, 2, 3, 4, 6, 8 or 12: a divisor of 24, so that the interval is the same all day
   */
  public static everyHours(hours: number, minute = 0): BackupSchedule {
    if (!Token.isUnresolved(hours) && ![1, 2, 3, 4, 6, 8, 12].includes(hours)) {
      throw new DynamoDbKitError(`schedule hours must be 1, 2, 3, 4, 6, 8 or 12 (a divisor of 24), got ${hours}`);
    }
    validateRange('schedule minute', minute, 0, 59);
    return new BackupSchedule(`Every${hours}Hours`, events.Schedule.cron({ minute: `${minute}`, hour: `*/${hours}` }), Duration.hours(hours));
  }

  /**
   * Every week on the given day, at the given time (UTC).
   */
  public static weekly(weekDay: BackupWeekDay, time: BackupTimeOfDay = {}): BackupSchedule {
    // Without a day, events.Schedule.cron() makes a daily schedule; with a word that is no day, it
    // writes the word into the cron expression, which fails only at deploy.
    validateWeekDay(weekDay);
    validateTimeOfDay('time', time);
    const { hour, minute } = timeOfDay(time);
    return new BackupSchedule('Weekly', events.Schedule.cron({ weekDay, hour, minute }), Duration.days(7));
  }

  /**
   * Every month on the given day, at the given time (UTC).
   *
   * @param dayOfMonth 1-28, so that every month has the day
   */
  public static monthly(dayOfMonth: number, time: BackupTimeOfDay = {}): BackupSchedule {
    validateTimeOfDay('time', time);
    validateRange('schedule dayOfMonth', dayOfMonth, 1, 28);
    const { hour, minute } = timeOfDay(time);
    // The longest gap between two runs is 31 days.
    return new BackupSchedule('Monthly', events.Schedule.cron({ day: `${dayOfMonth}`, hour, minute }), Duration.days(31));
  }

  /** The backup rule's name. */
  public readonly ruleName: string;
  /** The cron expression AWS Backup runs the rule on. */
  public readonly expression: events.Schedule;
  /** The longest time between two backups. */
  public readonly interval: Duration;

  private constructor(ruleName: string, expression: events.Schedule, interval: Duration) {
    this.ruleName = ruleName;
    this.expression = expression;
    this.interval = interval;
  }
}

function timeOfDay(time: BackupTimeOfDay): { hour: string; minute: string } {
  const hour = time.hour ?? 5;
  const minute = time.minute ?? 0;
  validateRange('schedule hour', hour, 0, 23);
  validateRange('schedule minute', minute, 0, 59);
  return { hour: `${hour}`, minute: `${minute}` };
}

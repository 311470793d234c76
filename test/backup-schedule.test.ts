import { Duration } from 'aws-cdk-lib';
import { BackupSchedule, BackupWeekDay } from '../src';

describe('BackupSchedule', () => {
  test('each schedule knows its longest interval, which the plan checks retention against', () => {
    expect(BackupSchedule.daily().interval.toHours()).toBe(24);
    expect(BackupSchedule.everyHours(6).interval.toHours()).toBe(6);
    expect(BackupSchedule.weekly(BackupWeekDay.SUNDAY).interval.toDays()).toBe(7);
    expect(BackupSchedule.monthly(1).interval).toEqual(Duration.days(31));
  });

  test('the rule is named for the schedule, and runs at the given time in UTC', () => {
    const weekly = BackupSchedule.weekly(BackupWeekDay.SUNDAY, { hour: 3, minute: 30 });

    expect(weekly.ruleName).toBe('Weekly');
    expect(weekly.expression.expressionString).toBe('cron(30 3 ? * SUN *)');
    expect(BackupSchedule.everyHours(4, 15).expression.expressionString).toBe('cron(15 */4 * * ? *)');
  });

  // A value class has no construct yet: it refuses at the line that makes it.
  test('schedules AWS Backup cannot run evenly are refused', () => {
    expect(() => BackupSchedule.everyHours(5)).toThrow('schedule hours must be 1, 2, 3, 4, 6, 8 or 12 (a divisor of 24), got 5');
    expect(() => BackupSchedule.monthly(29)).toThrow('schedule dayOfMonth must be an integer between 1 and 28, got 29');
    expect(() => BackupSchedule.daily({ hour: 24 })).toThrow('schedule hour must be an integer between 0 and 23, got 24');
    expect(() => BackupSchedule.weekly(BackupWeekDay.FRIDAY, { minute: 60 })).toThrow('schedule minute must be an integer between 0 and 59, got 60');
  });
});

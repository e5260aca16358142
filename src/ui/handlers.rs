//! What the window does with what happens: the worker's events, and the actions each screen
//! returns (a sale, a history row, a shift, a save of the settings).

use super::{
    Action, CashierApp, CheckoutState, Command, GatewayView, HistoryAction, Notice, PrintJob,
    Screen, SettingsNote, ShiftAction, UiEvent, backend, checkout, checkout_info, order_detail,
    owner_gate,
};
use crate::ledger::OrderRecord;

impl CashierApp {
    pub(super) fn apply(&mut self, event: UiEvent) {
        match event {
            UiEvent::Progress(progress) => self.checkout.on_progress(progress, &self.info),
            UiEvent::PaymentDone(result) => {
                // A sale that ends while history is open shows there at once.
                self.reload_history();
                if let Ok(order) = &result
                    && let Some((pay, replaced)) = self.checkout.replacement(order)
                {
                    // The QR order stopped: marked as replaced (still queried; a payment on it
                    // later is announced as a double payment), and the code charged.
                    self.send(Command::MarkReplaced(replaced));
                    return self.on_checkout(pay);
                }
                if let Ok(order) = &result {
                    self.after_sale(order);
                }
                self.checkout.on_done(result.map(|order| *order));
            }
            UiEvent::Shifts(view) => {
                let view = view.map(|view| *view);
                if let Ok(view) = &view {
                    self.info.shift = view.open.as_ref().map(|report| report.cashier.clone());
                }
                self.shift.on_view(view);
            }
            UiEvent::Onboarded(onboarded) => self.on_onboarded(onboarded),
            UiEvent::Diagnostics(written) => {
                self.settings.note = Some(match written {
                    Ok(path) => SettingsNote::Diagnostics(path),
                    Err(problem) => SettingsNote::Failed(problem),
                });
            }
            UiEvent::Printed(note) => {
                if let (PrintJob::Sale(order_no), Ok(_)) = (&note.job, &note.result) {
                    self.info.printed = Some(order_no.clone());
                }
                self.printer.on_note(note);
            }
            UiEvent::History(data) => {
                if data.scope == backend::HistoryScope::AllTills {
                    // The tills a store knows, to choose one.
                    for total in &data.by_till {
                        if !self.history.tills.contains(&total.till_id) {
                            self.history.tills.push(total.till_id.clone());
                        }
                    }
                    self.history.tills.sort();
                }
                self.history.data = Some(*data);
            }
            UiEvent::Detail(order, events, refunds) => {
                if self.history.refund_form.order_no.as_deref() != Some(order.order_no.as_str()) {
                    self.history.refund_form.order_no = None;
                }
                self.history.refunds = refunds;
                self.history.detail = Some((*order, events));
            }
            UiEvent::Refunded(refunded) => self.on_refunded(refunded),
            UiEvent::DayReport(report) => self.shift.on_day(report),
            UiEvent::Voided(voided) => self.unresolved.on_voided(voided, self.lang),
            UiEvent::Requeried(results) => self.on_requeried(results),
            UiEvent::Unresolved(orders) => self.unresolved.orders = orders,
            UiEvent::LatePayment(order) => {
                self.announce(&order);
                self.checkout.on_order_update(&order);
                self.reload_history();
                self.unresolved.late.push((*order).clone());
                self.notices.push(Notice::Late(order));
            }
            UiEvent::Recovered(orders) => {
                for order in &orders {
                    self.announce(order);
                }
                self.notices.push(Notice::Recovered(orders));
            }
            UiEvent::FoundInBackground(orders) => {
                for order in &orders {
                    self.announce(order);
                    self.checkout.on_order_update(order);
                }
                self.reload_history();
                self.notices.push(Notice::FoundInBackground(orders));
            }
            UiEvent::Exported(result) => self.history.export_note = Some(result),
            UiEvent::ConnectionTested(verdict) => self.settings.verdict = Some(verdict),
            event @ (UiEvent::StoreTested(_)
            | UiEvent::Cashiers(_)
            | UiEvent::PrinterTested(_)
            | UiEvent::VoiceTried(_)
            | UiEvent::Ports(_)
            | UiEvent::Audit(..)) => self.settings.on_event(event),
            UiEvent::Applied(Ok(gateway)) => self.use_gateway(*gateway),
            UiEvent::Saved(saved) => self.on_saved(saved),
            UiEvent::OwnerPin(verdict) => self.on_pin_verdict(verdict),
            UiEvent::Applied(Err(problem)) => {
                self.settings.note = Some(SettingsNote::Failed(problem));
            }
            UiEvent::GatewayHealth(health) => self.info.health = health,
            UiEvent::Store(status) => self.info.store = status,
            UiEvent::Error(error) => self.error = Some(error),
        }
    }

    /// Re-queries came back: the detail and the unresolved list show their results.
    fn on_requeried(&mut self, results: Vec<crate::payment::requery::RequeryResult>) {
        self.unresolved.in_flight = self.unresolved.in_flight.saturating_sub(1);
        if let Some(order_detail::RequeryNote::Querying(asked)) = &self.history.requery {
            let answer = results.iter().find(|r| &r.order.order_no == asked);
            self.history.requery = Some(match answer {
                Some(result) => order_detail::RequeryNote::Done(Box::new(result.clone())),
                None => order_detail::RequeryNote::NotQueried(asked.clone()),
            });
        }
        for result in results {
            let order_no = result.order.order_no.clone();
            if self
                .history
                .detail
                .as_ref()
                .is_some_and(|(o, _)| o.order_no == order_no)
            {
                self.send(Command::LoadDetail(order_no.clone()));
            }
            self.unresolved.results.insert(order_no, result);
        }
        self.reload_history();
    }

    /// After a sale: the shift may have been opened by it (默认), and a paid one prints its slip
    /// when the printer is set to print every sale.
    pub(super) fn after_sale(&mut self, order: &OrderRecord) {
        self.announce(order);
        self.send(Command::LoadShifts(None));
        if self.config.prints_by_itself(order) {
            self.send(Command::Print(PrintJob::Sale(order.order_no.clone())));
        }
    }

    /// A refund was kept (the detail and the day shown again, the form closed), or why not (said
    /// under the form, which stays).
    fn on_refunded(
        &mut self,
        refunded: Result<Box<crate::app::refunds::Refunded>, backend::Problem>,
    ) {
        use crate::i18n::{Localized, tr};
        let lang = self.lang;
        match refunded {
            Ok(refunded) => {
                let refund = &refunded.refund;
                let mut words = format!(
                    "{} {}（{}）",
                    tr(lang, "已退款", "Refunded"),
                    refund.amount,
                    refund.way.message(lang)
                );
                if let Some(problem) = refunded.drawer_problem {
                    words = format!(
                        "{words}；{}",
                        backend::Problem::Drawer(problem).message(lang)
                    );
                }
                self.history.refund_form = crate::ui::refund_form::RefundForm {
                    note: Some(Ok(words)),
                    ..Default::default()
                };
                self.send(Command::LoadDetail(refund.order_no.clone()));
                self.reload_history();
                self.send(Command::LoadShifts(None));
            }
            Err(problem) => self.history.refund_form.note = Some(Err(problem.message(lang))),
        }
    }

    /// Says a paid (or failed) sale aloud, in the cashier's language, when the voice is on.
    fn announce(&mut self, order: &OrderRecord) {
        use crate::speech::{Announcement, Outcome};
        let outcome = match order.status {
            crate::status::OrderStatus::Paid => Outcome::Paid,
            crate::status::OrderStatus::Failed => Outcome::Failed,
            _ => return,
        };
        if self.config.voice.on {
            self.send(Command::Announce(Announcement {
                method: order.method,
                amount: order.amount,
                outcome,
                lang: self.lang,
            }));
        }
    }

    /// Loads the day shown again when history is on screen, so its rows and totals never show a
    /// status the ledger has moved past.
    pub(super) fn reload_history(&mut self) {
        if self.screen == Screen::History {
            self.send(Command::LoadHistory(
                self.history.day,
                self.history.scope.clone(),
            ));
        }
    }

    /// Shows what a newly applied configuration offers; a sale under way keeps its screen.
    pub(super) fn use_gateway(&mut self, gateway: GatewayView) {
        self.settings.note = Some(SettingsNote::Applied);
        if std::mem::take(&mut self.first_run) {
            // The first configuration is saved and in force: on to the first sale.
            self.screen = Screen::Checkout;
        }
        let shift = self.info.shift.take();
        self.info = checkout_info(&gateway);
        self.info.shift = shift;
        // Another ledger may be in force now (sandbox ↔ real merchant): its shifts.
        self.send(Command::LoadShifts(None));
        self.is_sandbox = gateway.is_sandbox;
        self.offset = gateway.config.history.offset();
        self.history.offset = self.offset;
        self.history.data = None;
        self.history.detail = None;
        self.history.has_store = gateway.config.store.is_some();
        if !self.history.has_store {
            self.history.scope = backend::HistoryScope::ThisTill;
        }
        self.reload_history();
        self.unresolved.results.clear();
        self.unresolved.late.clear();
        self.settings.pin.set = gateway.config.owner.is_some();
        self.config = gateway.config;
        self.customer.reopen();
        if !self.checkout.is_paying() {
            // A fresh checkout for the new methods; an amount being typed is kept.
            let typing = matches!(self.checkout.phase, checkout::Phase::Entering);
            let entry = std::mem::take(&mut self.checkout.entry);
            self.checkout = CheckoutState::new(&self.info);
            if typing {
                self.checkout.entry = entry;
            }
        }
    }

    pub(super) fn on_checkout(&mut self, action: Action) {
        self.send(match action {
            Action::Pay(request) => Command::Pay(request),
            Action::Cancel | Action::Replace(_) => Command::Cancel,
            Action::SimulatePay(url) => Command::SimulatePay(url),
            Action::ReopenCardPage(order_no, html) => Command::ReopenCardPage(order_no, html),
            Action::Cash(amount, tendered) => Command::Cash(amount, tendered),
            Action::ShowDue(amount) => Command::ShowDue(amount),
            Action::Print(order_no) => Command::Print(PrintJob::Sale(order_no)),
            Action::Shifts => return self.open(Screen::Shift),
            Action::OpenDrawer => {
                if self.gate.is_open(self.pin_set(), self.now) {
                    self.send(Command::OpenDrawer);
                } else {
                    self.gate.ask(owner_gate::Guarded::Drawer);
                }
                return;
            }
        });
    }

    pub(super) fn on_history(&mut self, action: HistoryAction) {
        let command = match action {
            HistoryAction::Load(day) => Command::LoadHistory(day, self.history.scope.clone()),
            HistoryAction::Detail(order_no) => Command::LoadDetail(order_no),
            HistoryAction::Refund(request) => {
                return self.guarded(owner_gate::Guarded::Refund(request));
            }
            HistoryAction::Requery(order_no) => {
                self.history.requery = Some(order_detail::RequeryNote::Querying(order_no.clone()));
                Command::Requery(order_no)
            }
            HistoryAction::Export(from, to, format) => {
                return self.guarded(owner_gate::Guarded::Export(from, to, format));
            }
            HistoryAction::OpenExportFolder => Command::OpenExportFolder,
            HistoryAction::Print(order_no) => {
                return self.guarded(owner_gate::Guarded::Reprint(order_no));
            }
        };
        self.send(command);
    }

    pub(super) fn on_shift(&mut self, action: ShiftAction) {
        self.send(match action {
            ShiftAction::Open(cashier, float, pin) => Command::OpenShift(cashier, float, pin),
            ShiftAction::Close(counted, pin) => Command::CloseShift(counted, pin),
            ShiftAction::Read(id) => Command::LoadShifts(Some(id)),
            ShiftAction::Print(id) => Command::Print(PrintJob::Shift(id)),
            ShiftAction::Day => {
                Command::LoadDay(crate::ledger::day_of(chrono::Utc::now(), self.offset))
            }
            ShiftAction::PrintDay(day) => Command::Print(PrintJob::Day(day)),
        });
    }
}
